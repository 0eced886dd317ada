import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsJsonObject } from '../../../request-policy/dto/openai-values.validators.js';

const isSchema = (format: ResponseTextFormatDto) =>
  format.type === 'json_schema';

/** `text.format`: the Responses form of chat's `response_format` (the schema's fields sit beside `type`). */
export class ResponseTextFormatDto {
  @ApiProperty({ enum: ['text', 'json_object', 'json_schema'] })
  @IsIn(['text', 'json_object', 'json_schema'])
  type: 'text' | 'json_object' | 'json_schema';

  @ApiPropertyOptional({
    example: 'weather_report',
    description: 'Required with `json_schema`.',
  })
  @ValidateIf(isSchema)
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, {
    message: '$property must be 1 to 64 letters, digits, _ or -',
  })
  name?: string;

  @ApiPropertyOptional({
    description: 'The JSON Schema of the reply; required with `json_schema`.',
  })
  @ValidateIf(isSchema)
  @IsJsonObject()
  schema?: Record<string, unknown>;

  @ApiPropertyOptional()
  @ValidateIf(isSchema)
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string;

  @ApiPropertyOptional()
  @ValidateIf(isSchema)
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ResponseTextConfigDto {
  @ApiPropertyOptional({
    type: ResponseTextFormatDto,
    description:
      "Mapped onto chat's `response_format`, with its fates per provider.",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseTextFormatDto)
  format?: ResponseTextFormatDto;

  @ApiPropertyOptional({
    enum: ['low', 'medium', 'high'],
    description: "Mapped onto chat's `verbosity`.",
  })
  @IsOptional()
  @IsIn(['low', 'medium', 'high'])
  verbosity?: 'low' | 'medium' | 'high';
}
