import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isTextContent } from '../../common/validation/is-well-formed-text.decorator.js';

/** One part of an array `content`; only text parts are supported. */
export interface TextContentPart {
  type: 'text';
  text: string;
}

const TEXT_PART_TYPES: ReadonlySet<string> = new Set(['text']);

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
        validate: (value: unknown) => isTextContent(value, TEXT_PART_TYPES),
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
