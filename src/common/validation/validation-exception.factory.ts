import type { ValidationError } from 'class-validator';
import type { AppError } from '../errors/app-error.js';
import { HttpErrors, type FieldError } from '../errors/http-errors.js';

/**
 * Failures listed in an answer: enough to fix a request, while the answer
 * stays a few KB whatever was sent (listing every failure of 70 000
 * invalid messages takes 36 MB). The others are counted in
 * `details.errorCount`.
 */
export const MAX_LISTED_ERRORS = 5;

/** A message quotes its field and rule only: this bounds what a long path adds. */
const MAX_MESSAGE_CHARS = 300;

/**
 * Turns class-validator's tree of errors into one 400 answer whose message
 * is the first failure's (naming its field once), with the first
 * `MAX_LISTED_ERRORS` failures in `details.errors` (`messages.0.role`,
 * `isIn`, ...) and how many there were in all in `details.errorCount`. The
 * rejected values are not echoed back.
 */
export function validationExceptionFactory(
  errors: ValidationError[],
): AppError {
  const listed: FieldError[] = [];
  let count = 0;
  for (const field of failures(errors, '')) {
    if (listed.length < MAX_LISTED_ERRORS) listed.push(field);
    count++;
  }
  const message = listed[0]?.message ?? 'The request is invalid.';
  const failure = HttpErrors.validation(message, listed);
  if (count > listed.length) failure.details!.errorCount = count;
  return failure;
}

/** Every failure of the tree, depth first, built only as it is reached. */
function* failures(
  errors: ValidationError[],
  prefix: string,
): Generator<FieldError> {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      yield {
        field,
        rule,
        message: bounded(naming(message, error.property, field)),
      };
    }
    yield* failures(error.children ?? [], field);
  }
}

function bounded(message: string): string {
  return message.length > MAX_MESSAGE_CHARS
    ? `${message.slice(0, MAX_MESSAGE_CHARS)}…`
    : message;
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
