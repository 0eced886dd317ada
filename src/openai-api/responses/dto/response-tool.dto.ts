import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { IsJsonObject } from '../../../request-policy/dto/openai-values.validators.js';

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const isFunction = (tool: ResponseToolDto) => tool.type === 'function';

/**
 * A tool of the Responses API. Only function tools are served: OpenAI's
 * built-in tools (`web_search`, `file_search`, `code_interpreter`, `mcp`…)
 * run on OpenAI's servers, and are refused by their type.
 */
export class ResponseToolDto {
  @ApiProperty({
    enum: ['function'],
    description:
      'Only `function`: built-in tools (web_search, file_search, …) are refused with a 400 naming the type.',
  })
  @IsIn(['function'], {
    message:
      '$property must be "function": the built-in tool type "$value" runs on OpenAI\'s servers and is not supported by this gateway',
  })
  type: string;

  @ApiProperty({ example: 'get_weather' })
  @ValidateIf(isFunction)
  @IsString()
  @Matches(FUNCTION_NAME, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name: string;

  @ApiPropertyOptional({ example: 'The weather in a city' })
  @ValidateIf(isFunction)
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string;

  @ApiPropertyOptional({
    description: 'JSON Schema of the arguments.',
    example: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  })
  @ValidateIf(isFunction)
  @IsOptional()
  @IsJsonObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional()
  @ValidateIf(isFunction)
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `tool_choice` of the Responses API: `none`, `auto`, `required` or
 * `{type: "function", name}`. Choices of built-in tools or of allowed-tool
 * sets are refused.
 */
export const IsResponseToolChoice = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isResponseToolChoice',
      validator: {
        validate: (value: unknown) =>
          value === 'none' ||
          value === 'auto' ||
          value === 'required' ||
          (isPlainObject(value) &&
            value.type === 'function' &&
            typeof value.name === 'string' &&
            FUNCTION_NAME.test(value.name)),
        defaultMessage: () =>
          '$property must be "none", "auto", "required" or {"type":"function","name":…} (built-in tools are not supported)',
      },
    },
    options,
  );
