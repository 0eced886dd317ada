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
        validate: isWellFormedText,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be well-formed Unicode text without NUL characters or lone surrogates`,
      },
    },
    options,
  );
}

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string without lone surrogates or NUL characters (see `IsWellFormedText`). */
export function isWellFormedText(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    !LONE_SURROGATE.test(value) &&
    !value.includes('\0')
  );
}

/**
 * Message content made of text only: a well-formed string, or a non-empty
 * array of parts whose `type` is one of `partTypes`, each with well-formed
 * `text`. Chat completions' `{type: "text"}` parts and the Responses API's
 * `input_text` / `output_text` parts are both read by it.
 */
export function isTextContent(
  value: unknown,
  partTypes: ReadonlySet<string>,
): boolean {
  return (
    isWellFormedText(value) ||
    (Array.isArray(value) &&
      value.length > 0 &&
      value.every(
        (part: unknown) =>
          typeof part === 'object' &&
          part !== null &&
          partTypes.has(String((part as { type?: unknown }).type)) &&
          isWellFormedText((part as { text?: unknown }).text),
      ))
  );
}
