import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CompletionUsageDto } from './completion-usage.dto.js';

export const FINISH_REASONS = ['stop', 'length', 'content_filter'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export class AssistantMessageDto {
  @ApiProperty({ enum: ['assistant'] })
  role: 'assistant';

  @ApiProperty({ example: 'Hello! How can I help?' })
  content: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  refusal: null;
}

export class ChatCompletionChoiceDto {
  @ApiProperty({ example: 0 })
  index: number;

  @ApiProperty({ type: AssistantMessageDto })
  message: AssistantMessageDto;

  @ApiProperty({ type: Object, nullable: true, example: null })
  logprobs: null;

  @ApiProperty({ enum: FINISH_REASONS, example: 'stop' })
  finish_reason: FinishReason;
}

/** A whole reply (`stream` false or absent). */
export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-0b6f3b0e5f5c4c1f9a3f1c2d7e8a9b10' })
  id: string;

  @ApiProperty({ enum: ['chat.completion'] })
  object: 'chat.completion';

  @ApiProperty({ example: 1764131282, description: 'Unix seconds.' })
  created: number;

  @ApiProperty({ example: 'mock-echo-1' })
  model: string;

  @ApiProperty({ type: [ChatCompletionChoiceDto] })
  choices: ChatCompletionChoiceDto[];

  @ApiPropertyOptional({
    type: CompletionUsageDto,
    description: 'Absent when the upstream reported none.',
  })
  usage?: CompletionUsageDto;

  @ApiProperty({ nullable: true, type: String, example: null })
  system_fingerprint: null;
}
