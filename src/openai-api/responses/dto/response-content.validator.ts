import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isTextContent } from '../../../common/validation/is-well-formed-text.decorator.js';

/** A text part of Responses content: what the client wrote, or (replayed) what the model wrote. */
export interface ResponseTextPart {
  type: 'input_text' | 'output_text';
  text: string;
}

export type ResponseContent = string | ResponseTextPart[];

const TEXT_PART_TYPES = new Set(['input_text', 'output_text']);

/**
 * Content of a Responses input item: a string, or a list of `input_text`
 * (or replayed `output_text`) parts. Images, files and audio are refused,
 * as no provider here takes them. Text must be well-formed Unicode without
 * NUL characters.
 */
export function IsResponseContent(
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isResponseContent',
      validator: {
        validate: (value: unknown) => isTextContent(value, TEXT_PART_TYPES),
        defaultMessage: (args) =>
          `${args?.property ?? 'content'} must be a string or a list of {"type":"input_text","text":…} parts (only text is supported), well-formed Unicode without NUL characters`,
      },
    },
    options,
  );
}

/** The text of validated content (parts joined with newlines, as on chat completions). */
export function responseContentText(content: ResponseContent): string {
  return typeof content === 'string'
    ? content
    : content.map((part) => part.text).join('\n');
}
