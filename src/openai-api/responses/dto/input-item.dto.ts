import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  IsResponseContent,
  type ResponseContent,
} from './response-content.validator.js';

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const CALL_ID = /^[\w.:-]{1,128}$/;
const ITEM_ID = /^[\w.:-]{1,128}$/;

export const INPUT_ITEM_TYPES = [
  'message',
  'function_call',
  'function_call_output',
  'item_reference',
] as const;
export type InputItemType = (typeof INPUT_ITEM_TYPES)[number];

export const INPUT_ROLES = [
  'user',
  'system',
  'developer',
  'assistant',
] as const;
export type InputRole = (typeof INPUT_ROLES)[number];

/** A message: `type` may be left out (OpenAI's "easy" input message). */
export class InputMessageItemDto {
  @ApiPropertyOptional({ enum: ['message'] })
  @IsOptional()
  @IsIn(['message'])
  type?: 'message';

  @ApiProperty({
    enum: INPUT_ROLES,
    description:
      '`system` and `developer` messages become the system prompt, after `instructions`.',
  })
  @IsIn(INPUT_ROLES, {
    message: `$property must be one of ${INPUT_ROLES.join(', ')}`,
  })
  role: InputRole;

  @ApiProperty({
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['input_text', 'output_text'] },
            text: { type: 'string' },
          },
          required: ['type', 'text'],
        },
      },
    ],
    example: 'What is Server-Sent Events?',
  })
  @IsResponseContent()
  content: ResponseContent;
}

/** `input` sent as a string: one user message. */
export class TextInputDto extends InputMessageItemDto {}

/** A call the model made, replayed by a client that keeps its own history. */
export class FunctionCallItemDto {
  @ApiProperty({ enum: ['function_call'] })
  @IsIn(['function_call'])
  type: 'function_call';

  @ApiProperty({ example: 'call_abc123' })
  @IsString()
  @Matches(CALL_ID, {
    message: '$property must be 1 to 128 letters, digits or _ . : -',
  })
  call_id: string;

  @ApiProperty({ example: 'get_weather' })
  @IsString()
  @Matches(FUNCTION_NAME, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}' })
  @IsString()
  @MaxLength(100_000)
  arguments: string;
}

/** The result of a function call, answering it by `call_id`. */
export class FunctionCallOutputItemDto {
  @ApiProperty({ enum: ['function_call_output'] })
  @IsIn(['function_call_output'])
  type: 'function_call_output';

  @ApiProperty({ example: 'call_abc123' })
  @IsString()
  @Matches(CALL_ID, {
    message: '$property must be 1 to 128 letters, digits or _ . : -',
  })
  call_id: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
    example: '{"temperature":21}',
  })
  @IsResponseContent()
  output: ResponseContent;
}

/** An item of a stored response, by its id (clients that rely on `store`). */
export class ItemReferenceDto {
  @ApiProperty({ enum: ['item_reference'] })
  @IsIn(['item_reference'])
  type: 'item_reference';

  @ApiProperty({ example: 'msg_0123456789abcdef0123456789abcdef_0' })
  @IsString()
  @Matches(ITEM_ID, {
    message: '$property must be 1 to 128 letters, digits or _ . : -',
  })
  id: string;
}

/** An item of a type the gateway does not take: refused by its `type`. */
export class UnsupportedItemDto {
  @IsIn(INPUT_ITEM_TYPES, {
    message: `$property must be one of ${INPUT_ITEM_TYPES.join(', ')} (images, files, reasoning and built-in tool items are not supported)`,
  })
  type: unknown;
}

export type InputItemDto =
  | InputMessageItemDto
  | FunctionCallItemDto
  | FunctionCallOutputItemDto
  | ItemReferenceDto;

const ITEM_CLASSES = {
  message: InputMessageItemDto,
  function_call: FunctionCallItemDto,
  function_call_output: FunctionCallOutputItemDto,
  item_reference: ItemReferenceDto,
} as const;

/**
 * `input` as a list of item instances, each of the class its `type` names,
 * so that each is validated on its own fields with its path
 * (`input.2.call_id`). A string is one user message, as OpenAI reads it.
 */
export function toInputItems(value: unknown): unknown {
  if (typeof value === 'string') {
    return [plainToInstance(TextInputDto, { role: 'user', content: value })];
  }
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) return item;
    const type = (item as { type?: unknown }).type ?? 'message';
    const itemClass =
      typeof type === 'string' && type in ITEM_CLASSES
        ? ITEM_CLASSES[type as InputItemType]
        : UnsupportedItemDto;
    return plainToInstance(itemClass as new () => object, item);
  });
}
