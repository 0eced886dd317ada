import type { ValidationError } from 'class-validator';
import type { AppError } from '../errors/app-error.js';
import { HttpErrors, type FieldError } from '../errors/http-errors.js';

/**
 * Turns class-validator's tree of errors into one 400 answer whose message
 * names the first failing field and rule, with every failure in `details`
 * (`messages.0.role`, `isIn`, ...). The rejected values are not echoed back.
 */
export function validationExceptionFactory(
  errors: ValidationError[],
): AppError {
  const fields = flatten(errors);
  const first = fields[0];
  const message = first
    ? `${first.field}: ${first.message}`
    : 'The request is invalid.';
  return HttpErrors.validation(message, fields);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(
      ([rule, message]) => ({
        field,
        rule,
        message: message.replace(error.property, field),
      }),
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
