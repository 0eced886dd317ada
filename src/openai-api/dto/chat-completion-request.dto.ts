import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ChatCompletionMessageDto } from './chat-completion-message.dto.js';

export class StreamOptionsDto {
  @ApiPropertyOptional({
    description:
      'Send a last chunk with `usage` and empty `choices` before `data: [DONE]`.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

export class ResponseFormatDto {
  @ApiProperty({ enum: ['text'], example: 'text' })
  @IsIn(['text'], {
    message:
      'response_format.type must be text (JSON modes are not supported by this server)',
  })
  type: 'text';
}

/**
 * The body of `POST /v1/chat/completions`, as OpenAI's Chat Completions API
 * defines it. Fields not listed here are ignored, because OpenAI clients send
 * many optional ones (and new ones with every release); fields whose request
 * this server cannot honour (tools, several choices, JSON mode, logprobs) are
 * refused with a 400 naming the field, so that no client silently gets less
 * than it asked for.
 */
export class ChatCompletionRequestDto {
  @ApiProperty({
    example: 'mock-echo-1',
    description:
      'Required, as by OpenAI. The gateway serves one model (see GET /v1/models) and answers ' +
      'with it whatever is asked, so clients configured with another model name still work.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  model: string;

  @ApiProperty({
    type: [ChatCompletionMessageDto],
    description:
      'The conversation, oldest first, ending with a user message. At most MAX_HISTORY_MESSAGES.',
    example: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Hello!' },
    ],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ChatCompletionMessageDto)
  messages: ChatCompletionMessageDto[];

  @ApiPropertyOptional({
    description: 'Stream the reply as `chat.completion.chunk` events.',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({
    type: StreamOptionsDto,
    description: 'Only with `stream: true`.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0.7 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @ApiPropertyOptional({ minimum: 1, example: 512 })
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

  @ApiPropertyOptional({
    description: 'End-user id, passed to upstreams that take one.',
    example: 'user-1234',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1,
    description: 'Only 1 is supported.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1, { message: 'n must be 1 (one choice per request is supported)' })
  n?: number;

  @ApiPropertyOptional({
    type: ResponseFormatDto,
    description: 'Only `{"type":"text"}` is supported.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @ApiPropertyOptional({
    description: 'Refused unless empty: tool calling is not supported.',
    type: [Object],
    maxItems: 0,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(0, {
    message: 'tools are not supported by this server (no tool calling)',
  })
  tools?: unknown[];

  @ApiPropertyOptional({
    description: 'Only `none` is accepted.',
    enum: ['none'],
  })
  @IsOptional()
  @IsIn(['none'], {
    message: 'tool_choice must be none (tool calling is not supported)',
  })
  tool_choice?: 'none';

  @ApiPropertyOptional({
    description: 'Refused unless empty (legacy function calling).',
    type: [Object],
    maxItems: 0,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(0, {
    message: 'functions are not supported by this server',
  })
  functions?: unknown[];

  @ApiPropertyOptional({ description: 'Only `false` is supported.' })
  @IsOptional()
  @IsIn([false], { message: 'logprobs are not supported by this server' })
  logprobs?: boolean;
}
