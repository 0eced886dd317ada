import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Text that can travel through JSON and SSE unchanged: no lone UTF-16
 * surrogate (it cannot be encoded as UTF-8 and would come back as U+FFFD) and
 * no NUL character (upstream APIs reject or truncate at it).
 */
export function IsWellFormedText(
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWellFormedText',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          isWellFormedUnicode(value) &&
          !value.includes('\0'),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be well-formed Unicode text without NUL characters or lone surrogates`,
      },
    },
    options,
  );
}

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
