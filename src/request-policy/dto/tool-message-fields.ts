import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { stackDecorators } from '../../common/validation/stack-decorators.js';
import { ToolCallDto } from './tool.dto.js';

/**
 * A message's `tool_calls` (assistant turns): 1 to 128 calls. The same
 * field in POST /api/chat and /v1/chat/completions; `description` is the
 * Swagger text of each.
 */
export function ToolCallsField(description: string): PropertyDecorator {
  return stackDecorators(
    ApiPropertyOptional({ type: [ToolCallDto], description }),
    IsOptional(),
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(128),
    ValidateNested({ each: true }),
    Type(() => ToolCallDto),
  );
}

/** A message's `tool_call_id`: required on `tool` turns, at most 128 characters. */
export function ToolCallIdField(): PropertyDecorator {
  return stackDecorators(
    ApiPropertyOptional({
      description: 'Tool turns: the id of the call this result answers.',
      example: 'call_abc123',
    }),
    ValidateIf((message: { role?: unknown }) => message.role === 'tool'),
    IsString(),
    IsNotEmpty(),
    MaxLength(128),
  );
}
