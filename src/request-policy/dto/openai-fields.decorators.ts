import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * The fields chat completions (`GenerationOptionsDto`) and the Responses
 * API (`CreateResponseDto`) share, each with OpenAI's name, range and rules
 * written once: the two formats cannot drift apart on them. What the
 * documentation says of a field may differ per format (`api`).
 */
type Api = Partial<ApiPropertyOptions>;

const FINITE = { allowNaN: false, allowInfinity: false };

/** A number in `[min, max]`, finite. */
const FiniteBetween = (min: number, max: number, api: Api) =>
  applyDecorators(
    ApiPropertyOptional({
      minimum: min,
      maximum: max,
      ...api,
    } as ApiPropertyOptions),
    IsOptional(),
    IsNumber(FINITE),
    Min(min),
    Max(max),
  );

/** `temperature`: 0 to 2. */
export const TemperatureField = (api: Api = {}) => FiniteBetween(0, 2, api);

/** `top_p`: 0 to 1. */
export const TopPField = (api: Api = {}) => FiniteBetween(0, 1, api);

/** `top_logprobs`: an integer from 0 to 20; refused, as no log probabilities are returned. */
export const TopLogprobsField = () =>
  applyDecorators(
    ApiPropertyOptional({
      minimum: 0,
      maximum: 20,
      description: 'Refused: no log probabilities are returned.',
    }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(20),
  );

/** `user`: the end user's id, at most 256 characters. */
export const EndUserField = (api: Api) =>
  applyDecorators(
    ApiPropertyOptional(api as ApiPropertyOptions),
    IsOptional(),
    IsString(),
    MaxLength(256),
  );

export const SERVICE_TIERS = [
  'auto',
  'default',
  'flex',
  'scale',
  'priority',
] as const;

/** `service_tier`: one of OpenAI's tiers. */
export const ServiceTierField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: [...SERVICE_TIERS], description }),
    IsOptional(),
    IsIn([...SERVICE_TIERS]),
  );

/** `parallel_tool_calls`: a boolean. */
export const ParallelToolCallsField = () =>
  applyDecorators(ApiPropertyOptional(), IsOptional(), IsBoolean());

/** `tools`: at most 128, each validated as `tool`. */
export const ToolsField = (tool: new () => object) =>
  applyDecorators(
    ApiPropertyOptional({ type: [tool], maxItems: 128 }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(128),
    ValidateNested({ each: true }),
    Type(() => tool),
  );
