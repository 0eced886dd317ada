import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, ValidateIf } from 'class-validator';
import { IsWellFormedText } from '../../common/validation/is-well-formed-text.decorator.js';
import type { MessageRole } from '../../llm/llm.types.js';
import {
  ToolCallIdField,
  ToolCallsField,
} from '../../request-policy/dto/tool-message-fields.js';
import type { ToolCallDto } from '../../request-policy/dto/tool.dto.js';
import type { IncomingMessage } from '../../request-policy/incoming-message.js';

const ROLES = ['user', 'assistant', 'tool'] as const;

/** An assistant turn that only calls tools may have no text. */
const callsWithoutContent = (message: ChatMessageDto): boolean =>
  message.role === 'assistant' &&
  message.tool_calls != null &&
  (message.content == null || message.content === '');

export class ChatMessageDto {
  @ApiProperty({
    enum: ROLES,
    example: 'user',
    description:
      '`tool` turns answer the `tool_calls` of the assistant turn before them (stored or posted).',
  })
  @IsIn(ROLES)
  role: MessageRole;

  @ApiProperty({
    example: 'What is Server-Sent Events?',
    nullable: true,
    description:
      'Non-empty text; the limit is MAX_MESSAGE_CHARS characters. A tool turn: the result. ' +
      'May be null or empty on an assistant turn with `tool_calls`.',
  })
  @ValidateIf((message: ChatMessageDto) => !callsWithoutContent(message))
  @IsString()
  @IsNotEmpty()
  @IsWellFormedText()
  content: string | null;

  @ToolCallsField(
    'Assistant turns: the tools the model called (as `done` reported them).',
  )
  tool_calls?: ToolCallDto[];

  @ToolCallIdField()
  tool_call_id?: string;
}

/** The posted messages in the request policy's form. */
export function toIncomingMessages(
  messages: ChatMessageDto[],
): IncomingMessage[] {
  return messages.map((message) => ({
    role: message.role,
    content: message.content ?? '',
    ...(message.tool_calls
      ? {
          toolCalls: message.tool_calls.map((call) => ({
            id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
          })),
        }
      : {}),
    ...(message.role === 'tool' && message.tool_call_id
      ? { toolCallId: message.tool_call_id }
      : {}),
  }));
}
