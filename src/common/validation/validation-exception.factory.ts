import type { ValidationError } from 'class-validator';
import type { AppError } from '../errors/app-error.js';
import { HttpErrors, type FieldError } from '../errors/http-errors.js';

/**
 * Turns class-validator's tree of errors into one 400 answer whose message
 * is the first failure's (naming its field once), with every failure in `details`
 * (`messages.0.role`, `isIn`, ...). The rejected values are not echoed back.
 */
export function validationExceptionFactory(
  errors: ValidationError[],
): AppError {
  const fields = flatten(errors);
  const first = fields[0];
  const message = first?.message ?? 'The request is invalid.';
  return HttpErrors.validation(message, fields);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(
      ([rule, message]) => ({
        field,
        rule,
        message: naming(message, error.property, field),
      }),
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The message naming its field once, by its whole path: class-validator
 * starts its messages with the property's own name (`type must be …`),
 * which becomes the path (`response_format.type must be …`); a message that
 * does not start with it gets the path in front.
 */
function naming(message: string, property: string, field: string): string {
  if (message.startsWith(field)) return message;
  for (const named of [`${property} `, `property ${property} `]) {
    if (message.startsWith(named)) {
      return `${field} ${message.slice(named.length)}`;
    }
  }
  return `${field}: ${message}`;
}
