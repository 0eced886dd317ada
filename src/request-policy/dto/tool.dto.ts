import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsJsonObject } from './openai-values.validators.js';

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A function the model may call (`tools[].function`, or legacy `functions[]`). */
export class FunctionDefinitionDto {
  @ApiProperty({ example: 'get_weather', pattern: FUNCTION_NAME.source })
  @IsString()
  @Matches(FUNCTION_NAME, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name: string;

  @ApiPropertyOptional({ example: 'The weather in a city' })
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
  @IsOptional()
  @IsJsonObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ToolDto {
  @ApiProperty({ enum: ['function'] })
  @IsIn(['function'])
  type: 'function';

  @ApiProperty({ type: FunctionDefinitionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => FunctionDefinitionDto)
  function: FunctionDefinitionDto;
}

/** A call as the model made it: the name and the arguments as JSON text. */
export class FunctionCallDto {
  @ApiProperty({ example: 'get_weather' })
  @IsString()
  @Matches(FUNCTION_NAME, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}' })
  @IsString()
  @MaxLength(100_000)
  arguments: string;
}

/** One entry of an assistant message's `tool_calls`. */
export class ToolCallDto {
  @ApiProperty({ example: 'call_abc123' })
  @IsString()
  @Matches(/^[\w.:-]{1,128}$/, {
    message: '$property must be 1 to 128 letters, digits or _ . : -',
  })
  id: string;

  @ApiProperty({ enum: ['function'] })
  @IsIn(['function'])
  type: 'function';

  @ApiProperty({ type: FunctionCallDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => FunctionCallDto)
  function: FunctionCallDto;
}
