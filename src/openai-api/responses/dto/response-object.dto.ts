import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import type { SERVICE_TIERS } from '../../../request-policy/dto/openai-fields.decorators.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';
export type ResponseStatus =
  'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

export type ServiceTier = (typeof SERVICE_TIERS)[number];

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean;
    };

/** A function tool as a response repeats it. */
export interface FunctionToolEcho {
  type: 'function';
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

export class OutputTextDto {
  @ApiProperty({ enum: ['output_text'] })
  type: 'output_text';

  @ApiProperty({ example: 'Hello!' })
  text: string;

  @ApiProperty({ type: [Object], example: [] })
  annotations: never[];

  @ApiProperty({ type: [Object], example: [] })
  logprobs: never[];
}

export class OutputMessageDto {
  @ApiProperty({ enum: ['message'] })
  type: 'message';

  @ApiProperty({ example: 'msg_0123456789abcdef0123456789abcdef_0' })
  id: string;

  @ApiProperty({ enum: ['in_progress', 'completed', 'incomplete'] })
  status: ItemStatus;

  @ApiProperty({ enum: ['assistant'] })
  role: 'assistant';

  @ApiProperty({ type: [OutputTextDto] })
  content: OutputTextDto[];
}

export class OutputFunctionCallDto {
  @ApiProperty({ enum: ['function_call'] })
  type: 'function_call';

  @ApiProperty({ example: 'fc_0123456789abcdef0123456789abcdef_1' })
  id: string;

  @ApiProperty({ enum: ['in_progress', 'completed', 'incomplete'] })
  status: ItemStatus;

  @ApiProperty({
    example: 'call_abc123',
    description: 'Answer it with a `function_call_output` item.',
  })
  call_id: string;

  @ApiProperty({ example: 'get_weather' })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}' })
  arguments: string;
}

export type OutputItemDto = OutputMessageDto | OutputFunctionCallDto;

export class ResponseUsageDto {
  @ApiProperty()
  input_tokens: number;

  @ApiProperty({ example: { cached_tokens: 0, cache_write_tokens: 0 } })
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };

  @ApiProperty()
  output_tokens: number;

  @ApiProperty({ example: { reasoning_tokens: 0 } })
  output_tokens_details: { reasoning_tokens: number };

  @ApiProperty()
  total_tokens: number;
}

export class ResponseErrorDto {
  @ApiProperty({
    enum: ['server_error', 'rate_limit_exceeded'],
    description:
      "OpenAI's code; the `error` event before `response.failed` has the gateway's own.",
  })
  code: 'server_error' | 'rate_limit_exceeded';

  @ApiProperty()
  message: string;
}

/** A response as OpenAI's Responses API returns it (`object: "response"`). */
@ApiExtraModels(OutputMessageDto, OutputFunctionCallDto)
export class ResponseObjectDto {
  @ApiProperty({ example: 'resp_0123456789abcdef0123456789abcdef' })
  id: string;

  @ApiProperty({ enum: ['response'] })
  object: 'response';

  @ApiProperty({ example: 1764131282 })
  created_at: number;

  @ApiProperty({
    enum: ['in_progress', 'completed', 'incomplete', 'failed', 'cancelled'],
  })
  status: ResponseStatus;

  @ApiPropertyOptional({ type: Number, nullable: true })
  completed_at: number | null;

  @ApiProperty({ type: ResponseErrorDto, nullable: true })
  error: ResponseErrorDto | null;

  @ApiProperty({
    nullable: true,
    example: { reason: 'max_output_tokens' },
    description: 'With status `incomplete`: why.',
  })
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;

  @ApiProperty({ type: String, nullable: true })
  instructions: string | null;

  @ApiProperty({ type: Number, nullable: true })
  max_output_tokens: number | null;

  @ApiProperty({
    example: 'mock-echo-1',
    description: 'The model that answered, after any fallback.',
  })
  model: string;

  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(OutputMessageDto) },
        { $ref: getSchemaPath(OutputFunctionCallDto) },
      ],
    },
  })
  output: OutputItemDto[];

  @ApiProperty()
  parallel_tool_calls: boolean;

  @ApiProperty({ type: String, nullable: true })
  previous_response_id: string | null;

  @ApiProperty({ example: { effort: null, summary: null } })
  reasoning: { effort: ReasoningEffort | null; summary: null };

  @ApiProperty()
  store: boolean;

  @ApiProperty({ type: Number, nullable: true })
  temperature: number | null;

  @ApiProperty({ example: { format: { type: 'text' } } })
  text: { format: TextFormat; verbosity?: 'low' | 'medium' | 'high' };

  @ApiProperty({ example: 'auto' })
  tool_choice:
    'none' | 'auto' | 'required' | { type: 'function'; name: string };

  @ApiProperty({ type: [Object] })
  tools: FunctionToolEcho[];

  @ApiProperty({ type: Number, nullable: true })
  top_p: number | null;

  @ApiProperty({ enum: ['disabled'] })
  truncation: 'disabled';

  @ApiPropertyOptional({
    type: ResponseUsageDto,
    description: 'Once the reply has ended, when the provider counted it.',
  })
  usage?: ResponseUsageDto;

  @ApiPropertyOptional({ description: 'As sent (deprecated by OpenAI).' })
  user?: string;

  @ApiProperty({ type: Object, nullable: true })
  metadata: Record<string, string> | null;

  @ApiPropertyOptional()
  service_tier?: ServiceTier;

  @ApiProperty()
  background: false;
}

export class DeletedResponseDto {
  @ApiProperty({ example: 'resp_0123456789abcdef0123456789abcdef' })
  id: string;

  @ApiProperty({ enum: ['response'] })
  object: 'response';

  @ApiProperty({ enum: [true] })
  deleted: true;
}
