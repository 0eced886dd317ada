import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FINISH_REASONS, type FinishReason } from './chat-completion.dto.js';
import { CompletionUsageDto } from './completion-usage.dto.js';

export class ChunkDeltaDto {
  @ApiPropertyOptional({
    enum: ['assistant'],
    description: 'In the first chunk only.',
  })
  role?: 'assistant';

  @ApiPropertyOptional({
    example: 'Hel',
    nullable: true,
    description:
      'null in the first chunk of a reply that opens with a tool call.',
  })
  content?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      'Fragments of tool calls: the first of call `index` has its `id`, `type` and ' +
      '`function.name`; the next ones only more of `function.arguments`.',
    example: [
      {
        index: 0,
        id: 'call_abc123',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  })
  tool_calls?: ToolCallChunkDto[];

  @ApiPropertyOptional({
    type: Object,
    description: 'Legacy form of `tool_calls` (requests with `functions`).',
  })
  function_call?: { name?: string; arguments: string };
}

export interface ToolCallChunkDto {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
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
