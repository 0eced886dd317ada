import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  IsFunctionCallChoice,
  IsJsonObject,
  IsLogitBias,
  IsMetadata,
  IsStopSequences,
  IsToolChoice,
} from './openai-values.validators.js';
import {
  EndUserField,
  ParallelToolCallsField,
  ServiceTierField,
  TemperatureField,
  ToolsField,
  TopLogprobsField,
  TopPField,
} from './openai-fields.decorators.js';
import { ResponseFormatDto } from './response-format.dto.js';
import { FunctionDefinitionDto, ToolDto } from './tool.dto.js';

const FINITE = { allowNaN: false, allowInfinity: false };
const FATES =
  'Forwarded, mapped or refused per provider: see the parameter table in docs/openai-api.md.';

/**
 * OpenAI's generation parameters, with OpenAI's names and ranges, taken by
 * both `POST /v1/chat/completions` and `POST /server/send`. Whether the
 * configured provider honours each one is decided afterwards by
 * `PARAMETER_FATES`; these are only the checks OpenAI itself makes.
 */
export class GenerationOptionsDto {
  @TemperatureField({ example: 0.7 })
  temperature?: number;

  @TopPField({ example: 1 })
  top_p?: number;

  @ApiPropertyOptional({
    minimum: 1,
    example: 512,
    description: 'Forwarded under this name where the upstream takes it.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @ApiPropertyOptional({
    minimum: 1,
    example: 512,
    description: 'Newer name of `max_tokens`; wins when both are sent.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Only 1 is supported.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  n?: number;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'string' }, maxItems: 4 },
    ],
    example: ['\n\n'],
    description: 'Up to 4 sequences; the reply ends before the first one.',
  })
  @IsOptional()
  @IsStopSequences()
  stop?: string | string[];

  @ApiPropertyOptional({ example: 42, description: FATES })
  @IsOptional()
  @IsInt()
  seed?: number;

  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: FATES })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(-2)
  @Max(2)
  presence_penalty?: number;

  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: FATES })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(-2)
  @Max(2)
  frequency_penalty?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', minimum: -100, maximum: 100 },
    description: FATES,
  })
  @IsOptional()
  @IsLogitBias()
  logit_bias?: Record<string, number>;

  @ApiPropertyOptional({ description: 'Only `false` is supported.' })
  @IsOptional()
  @IsBoolean()
  logprobs?: boolean;

  @TopLogprobsField()
  top_logprobs?: number;

  @ApiPropertyOptional({ type: ResponseFormatDto, description: FATES })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @ToolsField(ToolDto)
  tools?: ToolDto[];

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'auto', 'required'] },
      {
        type: 'object',
        example: { type: 'function', function: { name: 'x' } },
      },
    ],
  })
  @IsOptional()
  @IsToolChoice()
  tool_choice?: unknown;

  @ParallelToolCallsField()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({
    type: [FunctionDefinitionDto],
    description: 'Legacy form of `tools`.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => FunctionDefinitionDto)
  functions?: FunctionDefinitionDto[];

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'auto'] },
      { type: 'object', example: { name: 'x' } },
    ],
    description: 'Legacy form of `tool_choice`.',
  })
  @IsOptional()
  @IsFunctionCallChoice()
  function_call?: unknown;

  @EndUserField({
    description: 'End-user id, passed to upstreams that take one.',
    example: 'user-1234',
  })
  user?: string;

  @ApiPropertyOptional({
    enum: ['none', 'minimal', 'low', 'medium', 'high'],
    description: FATES,
  })
  @IsOptional()
  @IsIn(['none', 'minimal', 'low', 'medium', 'high'])
  reasoning_effort?: string;

  @ApiPropertyOptional({ enum: ['low', 'medium', 'high'], description: FATES })
  @IsOptional()
  @IsIn(['low', 'medium', 'high'])
  verbosity?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Only `["text"]` is supported.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(['text', 'audio'], { each: true })
  modalities?: string[];

  @ApiPropertyOptional({ description: 'Refused: the gateway returns text.' })
  @IsOptional()
  @IsJsonObject()
  audio?: Record<string, unknown>;

  @ApiPropertyOptional({ description: FATES })
  @IsOptional()
  @IsJsonObject()
  prediction?: Record<string, unknown>;

  @ApiPropertyOptional({ description: FATES })
  @IsOptional()
  @IsJsonObject()
  web_search_options?: Record<string, unknown>;

  @ApiPropertyOptional({ description: FATES })
  @IsOptional()
  @IsMetadata()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: FATES })
  @IsOptional()
  @IsBoolean()
  store?: boolean;

  @ServiceTierField(FATES)
  service_tier?: string;
}
