import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ToolCallIdField,
  ToolCallsField,
} from '../../request-policy/dto/tool-message-fields.js';
import {
  FunctionCallDto,
  type ToolCallDto,
} from '../../request-policy/dto/tool.dto.js';
import {
  IsMessageContent,
  type TextContentPart,
} from './is-message-content.decorator.js';

export const COMPLETION_ROLES = [
  'system',
  'developer',
  'user',
  'assistant',
  'tool',
  'function',
] as const;
export type CompletionRole = (typeof COMPLETION_ROLES)[number];

/** An assistant turn that only calls tools may have no content. */
const callsWithoutContent = (message: ChatCompletionMessageDto): boolean =>
  message.role === 'assistant' &&
  message.content == null &&
  (message.tool_calls != null || message.function_call != null);

export class ChatCompletionMessageDto {
  @ApiProperty({
    enum: COMPLETION_ROLES,
    example: 'user',
    description:
      '`system` and `developer` turns become the system prompt (after SYSTEM_PROMPT, in order); ' +
      '`tool` turns answer the `tool_calls` of the assistant turn before them (`function`: legacy form).',
  })
  @IsIn(COMPLETION_ROLES, {
    message: `$property must be one of ${COMPLETION_ROLES.join(', ')}`,
  })
  role: CompletionRole;

  @ApiProperty({
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['text'] },
            text: { type: 'string' },
          },
          required: ['type', 'text'],
        },
      },
    ],
    nullable: true,
    example: 'What is Server-Sent Events?',
    description:
      'Text, or an array of text parts (joined with newlines). At most MAX_MESSAGE_CHARS characters. ' +
      'May be null on an assistant turn with `tool_calls`.',
  })
  @ValidateIf(
    (message: ChatCompletionMessageDto) => !callsWithoutContent(message),
  )
  @IsMessageContent()
  content: string | TextContentPart[] | null;

  @ApiPropertyOptional({
    description:
      'Accepted on any turn; on a legacy `function` turn, the function it answers.',
    example: 'alice',
  })
  @ValidateIf(
    (message: ChatCompletionMessageDto) => message.role === 'function',
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name?: string;

  @ToolCallsField('Assistant turns: the tools the model called.')
  tool_calls?: ToolCallDto[];

  @ToolCallIdField()
  tool_call_id?: string;

  @ApiPropertyOptional({
    type: FunctionCallDto,
    description: 'Legacy form of `tool_calls` (one call).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => FunctionCallDto)
  function_call?: FunctionCallDto;
}
