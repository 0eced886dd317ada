import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TurnDto {
  @ApiProperty({ enum: ['user', 'assistant'] })
  role: 'user' | 'assistant';

  @ApiProperty()
  content: string;

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
  turns: TurnDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({
    description: 'The reply being generated now, if any.',
  })
  activeMessageId?: string;
}
