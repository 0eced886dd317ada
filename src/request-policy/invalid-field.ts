import { AppError } from '../common/errors/app-error.js';
import { HttpErrors, type FieldError } from '../common/errors/http-errors.js';

/**
 * A 400 for one field and rule. `text` starts with the field's path, so the
 * message names it once, whichever route or check produced it.
 */
export function invalidField(field: string, rule: string, text: string): never {
  throw HttpErrors.validation(text, [{ field, rule, message: text }]);
}

/**
 * Runs `check` and, when it refuses a field, names the field as the client
 * sent it: another API format that reaches the same policy under other
 * names (`max_output_tokens` for `max_tokens`, `input.3` for `messages.2`)
 * gets the same rules and messages with its own field paths. `rename` gets a
 * path and returns its name in the client's request, or undefined to keep it.
 */
export function withFieldNames<T>(
  check: () => T,
  rename: (field: string) => string | undefined,
): T {
  try {
    return check();
  } catch (error) {
    throw renamed(error, rename);
  }
}

function renamed(
  error: unknown,
  rename: (field: string) => string | undefined,
): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation_failed') {
    return error;
  }
  const errors = error.details?.errors as FieldError[] | undefined;
  if (!errors?.length) return error;
  const fields = errors.map(({ field, rule, message }) => {
    const name = rename(field);
    if (name === undefined || name === field) return { field, rule, message };
    return {
      field: name,
      rule,
      message: message.startsWith(field)
        ? `${name}${message.slice(field.length)}`
        : message,
    };
  });
  return HttpErrors.validation(fields[0].message, fields);
}
