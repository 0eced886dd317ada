import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FINISH_REASONS, type FinishReason } from './chat-completion.dto.js';
import { CompletionUsageDto } from './completion-usage.dto.js';

export class ChunkDeltaDto {
  @ApiPropertyOptional({
    enum: ['assistant'],
    description: 'In the first chunk only.',
  })
  role?: 'assistant';

  @ApiPropertyOptional({ example: 'Hel' })
  content?: string;
}

export class ChunkChoiceDto {
  @ApiProperty({ example: 0 })
  index: number;

  @ApiProperty({ type: ChunkDeltaDto })
  delta: ChunkDeltaDto;

  @ApiProperty({ type: Object, nullable: true, example: null })
  logprobs: null;

  @ApiProperty({
    enum: FINISH_REASONS,
    nullable: true,
    example: null,
    description: 'Set in the last chunk of the choice only.',
  })
  finish_reason: FinishReason | null;
}

/** One `data:` line of a streamed reply. */
export class ChatCompletionChunkDto {
  @ApiProperty({ example: 'chatcmpl-0b6f3b0e5f5c4c1f9a3f1c2d7e8a9b10' })
  id: string;

  @ApiProperty({ enum: ['chat.completion.chunk'] })
  object: 'chat.completion.chunk';

  @ApiProperty({ example: 1764131282 })
  created: number;

  @ApiProperty({ example: 'mock-echo-1' })
  model: string;

  @ApiProperty({
    type: [ChunkChoiceDto],
    description: 'Empty in the usage chunk.',
  })
  choices: ChunkChoiceDto[];

  @ApiPropertyOptional({
    type: CompletionUsageDto,
    nullable: true,
    description:
      'With `stream_options.include_usage`: null on every chunk but the last, which has the usage.',
  })
  usage?: CompletionUsageDto | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  system_fingerprint: null;
}
