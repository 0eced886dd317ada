import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsWellFormedText } from '../../../common/validation/is-well-formed-text.decorator.js';
import {
  IsJsonObject,
  IsMetadata,
} from '../../../request-policy/dto/openai-values.validators.js';
import {
  EndUserField,
  ParallelToolCallsField,
  ServiceTierField,
  TemperatureField,
  ToolsField,
  TopLogprobsField,
  TopPField,
} from '../../../request-policy/dto/openai-fields.decorators.js';
import { toInputItems, type InputItemDto } from './input-item.dto.js';
import type { ReasoningEffort, ServiceTier } from './response-object.dto.js';
import { ResponseTextConfigDto } from './response-text.dto.js';
import { IsResponseToolChoice, ResponseToolDto } from './response-tool.dto.js';

const FATES =
  'Forwarded, mapped or refused per provider, as on chat completions: see the parameter table in docs/openai-api.md.';
const REFUSED_WHEN_SET =
  'Refused when set: see "What /v1/responses does not do" in docs/openai-api.md.';

export class ResponseReasoningDto {
  @ApiPropertyOptional({
    enum: ['none', 'minimal', 'low', 'medium', 'high'],
    description: "Mapped onto chat's `reasoning_effort`.",
  })
  @IsOptional()
  @IsIn(['none', 'minimal', 'low', 'medium', 'high'])
  effort?: ReasoningEffort;

  @ApiPropertyOptional({
    description: 'Refused: the gateway returns no reasoning items.',
  })
  @Allow()
  summary?: unknown;
}

/**
 * The body of `POST /v1/responses`, as OpenAI's Responses API defines it.
 * As on chat completions, fields not listed are ignored; OpenAI's generation
 * parameters go through the same table of fates (`PARAMETER_FATES`), under
 * their chat names; what the gateway cannot honour on any provider is listed
 * (`Allow`) so that it can be refused by name.
 */
export class CreateResponseDto {
  @ApiProperty({
    example: 'mock-echo-1',
    description:
      'One of GET /v1/models (unknown: 404 model_not_found); without MODELS_FILE any name is answered by the one served model.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  model: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
    description:
      'A string (one user message) or a list of items: messages (`input_text` parts), ' +
      '`function_call`, `function_call_output` and `item_reference` items.',
    example: 'Hello!',
  })
  @Transform(({ value }) => toInputItems(value))
  @IsArray({ message: '$property must be a string or a list of items' })
  @ArrayNotEmpty()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  input: InputItemDto[];

  @ApiPropertyOptional({
    description:
      'The system prompt of this response (after SYSTEM_PROMPT); not carried over by previous_response_id.',
  })
  @IsOptional()
  @IsWellFormedText()
  instructions?: string;

  @ApiPropertyOptional({ description: 'Stream the typed event stream.' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ description: 'Accepted and ignored.' })
  @IsOptional()
  @IsJsonObject()
  stream_options?: Record<string, unknown>;

  @ApiPropertyOptional({
    default: true,
    description:
      'Keep the response (its conversation so far and its output) for GET, DELETE and previous_response_id, owned by the API key.',
  })
  @IsOptional()
  @IsBoolean()
  store?: boolean;

  @ApiPropertyOptional({
    example: 'resp_0123456789abcdef0123456789abcdef',
    description:
      "A stored response of the same API key: its conversation (input and output) comes before this input. Another key's id is answered 404, as an unknown one.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^resp_[A-Za-z0-9_-]{1,123}$/, {
    message: '$property must be the id of a response (resp_…)',
  })
  previous_response_id?: string;

  @ApiPropertyOptional({
    description: 'Kept on the response; not sent upstream.',
  })
  @IsOptional()
  @IsMetadata()
  metadata?: Record<string, string>;

  @TemperatureField()
  temperature?: number;

  @TopPField()
  top_p?: number;

  @ApiPropertyOptional({
    minimum: 1,
    description: "Mapped onto chat's `max_tokens` (its fates per provider).",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_output_tokens?: number;

  @TopLogprobsField()
  top_logprobs?: number;

  @ToolsField(ResponseToolDto)
  tools?: ResponseToolDto[];

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'auto', 'required'] },
      { type: 'object', example: { type: 'function', name: 'get_weather' } },
    ],
  })
  @IsOptional()
  @IsResponseToolChoice()
  tool_choice?: unknown;

  @ParallelToolCallsField()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({ type: ResponseTextConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseTextConfigDto)
  text?: ResponseTextConfigDto;

  @ApiPropertyOptional({ type: ResponseReasoningDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseReasoningDto)
  reasoning?: ResponseReasoningDto;

  @EndUserField({ description: "End-user id; mapped onto chat's `user`." })
  user?: string;

  @ServiceTierField(FATES)
  service_tier?: ServiceTier;

  @ApiPropertyOptional({ description: 'Only `false`. ' + REFUSED_WHEN_SET })
  @Allow()
  background?: unknown;

  @ApiPropertyOptional({ description: REFUSED_WHEN_SET })
  @Allow()
  conversation?: unknown;

  @ApiPropertyOptional({ description: 'Only `[]`. ' + REFUSED_WHEN_SET })
  @Allow()
  include?: unknown;

  @ApiPropertyOptional({ description: REFUSED_WHEN_SET })
  @Allow()
  prompt?: unknown;

  @ApiPropertyOptional({ description: REFUSED_WHEN_SET })
  @Allow()
  max_tool_calls?: unknown;

  @ApiPropertyOptional({ description: 'Only `disabled`. ' + REFUSED_WHEN_SET })
  @Allow()
  truncation?: unknown;

  @ApiPropertyOptional({ description: REFUSED_WHEN_SET })
  @Allow()
  context_management?: unknown;

  @ApiPropertyOptional({ description: REFUSED_WHEN_SET })
  @Allow()
  moderation?: unknown;
}
