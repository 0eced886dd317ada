import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { stackDecorators } from '../validation/stack-decorators.js';

/** An entry's `name`: 1-63 letters, digits, ".", "_" or "-", not starting with a sign. */
export function IsEntryName(): PropertyDecorator {
  return Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    message: 'name must be 1-63 letters, digits, ".", "_" or "-"',
  });
}

/** An optional whole number of at least 1: a limit (rpm, tpm…) or a weight. */
export function IsOptionalCount(): PropertyDecorator {
  return stackDecorators(IsOptional(), IsInt(), Min(1));
}
