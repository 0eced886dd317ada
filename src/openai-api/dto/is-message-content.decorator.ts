import { ValidateBy, type ValidationOptions } from 'class-validator';

/** One part of an array `content`; only text parts are supported. */
export interface TextContentPart {
  type: 'text';
  text: string;
}

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isText = (value: unknown): value is string =>
  typeof value === 'string' &&
  !LONE_SURROGATE.test(value) &&
  !value.includes('\0');

/**
 * OpenAI message content: a string, or an array of `{type: "text", text}`
 * parts (images, audio and files are refused, as no provider here takes
 * them). Text must be well-formed Unicode without NUL characters.
 */
export function IsMessageContent(
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMessageContent',
      validator: {
        validate: (value: unknown) =>
          isText(value) ||
          (Array.isArray(value) &&
            value.length > 0 &&
            value.every(
              (part: unknown) =>
                typeof part === 'object' &&
                part !== null &&
                (part as { type?: unknown }).type === 'text' &&
                isText((part as { text?: unknown }).text),
            )),
        defaultMessage: (args) =>
          `${args?.property ?? 'content'} must be a string or an array of {"type":"text","text":…} parts (only text is supported), well-formed Unicode without NUL characters`,
      },
    },
    options,
  );
}

/** The text of a validated content value. */
export function contentText(content: string | TextContentPart[]): string {
  return typeof content === 'string'
    ? content
    : content.map((part) => part.text).join('\n');
}
