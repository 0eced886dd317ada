import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CompletionUsageDto } from './completion-usage.dto.js';

export const FINISH_REASONS = [
  'stop',
  'length',
  'content_filter',
  'tool_calls',
  'function_call',
] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export class FunctionCallOutDto {
  @ApiProperty({ example: 'get_weather' })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}' })
  arguments: string;
}

export class ToolCallOutDto {
  @ApiProperty({ example: 'call_abc123' })
  id: string;

  @ApiProperty({ enum: ['function'] })
  type: 'function';

  @ApiProperty({ type: FunctionCallOutDto })
  function: FunctionCallOutDto;
}

export class AssistantMessageDto {
  @ApiProperty({ enum: ['assistant'] })
  role: 'assistant';

  @ApiProperty({
    example: 'Hello! How can I help?',
    nullable: true,
    type: String,
    description: 'null when the reply only calls tools.',
  })
  content: string | null;

  @ApiPropertyOptional({ type: [ToolCallOutDto] })
  tool_calls?: ToolCallOutDto[];

  @ApiPropertyOptional({
    type: FunctionCallOutDto,
    description: 'Instead of `tool_calls` when the request used `functions`.',
  })
  function_call?: FunctionCallOutDto;

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
