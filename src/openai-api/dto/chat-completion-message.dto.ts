import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  IsMessageContent,
  type TextContentPart,
} from './is-message-content.decorator.js';

export const COMPLETION_ROLES = [
  'system',
  'developer',
  'user',
  'assistant',
] as const;
export type CompletionRole = (typeof COMPLETION_ROLES)[number];

export class ChatCompletionMessageDto {
  @ApiProperty({
    enum: COMPLETION_ROLES,
    example: 'user',
    description:
      '`system` and `developer` turns become the system prompt (after SYSTEM_PROMPT, in order); ' +
      '`tool` and `function` turns are refused (no tool calling).',
  })
  @IsIn(COMPLETION_ROLES, {
    message: `role must be one of ${COMPLETION_ROLES.join(', ')} (tool calling is not supported)`,
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
    example: 'What is Server-Sent Events?',
    description:
      'Text, or an array of text parts (joined with newlines). At most MAX_MESSAGE_CHARS characters.',
  })
  @IsMessageContent()
  content: string | TextContentPart[];

  @ApiPropertyOptional({
    description: 'Accepted for compatibility; not sent upstream.',
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string;
}
