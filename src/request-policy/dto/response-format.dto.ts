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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsJsonObject } from './openai-values.validators.js';

export class JsonSchemaFormatDto {
  @ApiProperty({ example: 'weather_report' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string;

  @ApiPropertyOptional({ description: 'The JSON Schema of the reply.' })
  @IsOptional()
  @IsJsonObject()
  schema?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ResponseFormatDto {
  @ApiProperty({ enum: ['text', 'json_object', 'json_schema'] })
  @IsIn(['text', 'json_object', 'json_schema'])
  type: 'text' | 'json_object' | 'json_schema';

  @ApiPropertyOptional({
    type: JsonSchemaFormatDto,
    description: 'Required with `json_schema`.',
  })
  @ValidateIf((format: ResponseFormatDto) => format.type === 'json_schema')
  @IsDefined()
  @ValidateNested()
  @Type(() => JsonSchemaFormatDto)
  json_schema?: JsonSchemaFormatDto;
}
