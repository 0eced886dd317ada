import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StoredToolCallDto {
  @ApiProperty({ example: 'call_abc123' })
  id: string;

  @ApiProperty({ example: 'get_weather' })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}', description: 'JSON text.' })
  arguments: string;
}

export class TurnDto {
  @ApiProperty({ enum: ['user', 'assistant', 'tool'] })
  role: 'user' | 'assistant' | 'tool';

  @ApiProperty({
    description: 'Empty on an assistant turn that only called tools.',
  })
  content: string;

  @ApiPropertyOptional({
    type: [StoredToolCallDto],
    description: 'Assistant turns: the tools the reply called.',
  })
  toolCalls?: StoredToolCallDto[];

  @ApiPropertyOptional({
    description: 'Tool turns: the id of the call this result answers.',
  })
  toolCallId?: string;

  @ApiPropertyOptional({
    description: 'Tool turns: the function whose result this is.',
  })
  name?: string;

  @ApiPropertyOptional({ description: 'Reply id (assistant turns).' })
  messageId?: string;

  @ApiPropertyOptional({ enum: ['complete', 'cancelled', 'error'] })
  status?: 'complete' | 'cancelled' | 'error';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ConversationDto {
  @ApiProperty({ example: 'c_4f2a9' })
  id: string;

  @ApiProperty({ type: [TurnDto] })
  turns: readonly TurnDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({
    description: 'The reply being generated now, if any.',
  })
  activeMessageId?: string;
}
