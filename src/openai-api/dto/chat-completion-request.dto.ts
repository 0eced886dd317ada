import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GenerationOptionsDto } from '../../request-policy/dto/generation-options.dto.js';
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

/**
 * The body of `POST /v1/chat/completions`, as OpenAI's Chat Completions API
 * defines it. Fields not listed here are ignored, because OpenAI clients send
 * many optional ones (and new ones with every release); every generation
 * parameter OpenAI documents is listed (`GenerationOptionsDto`) and is
 * forwarded, mapped or refused with a 400 naming it (`PARAMETER_FATES`), so
 * that no client silently gets less than it asked for.
 */
export class ChatCompletionRequestDto extends GenerationOptionsDto {
  @ApiProperty({
    example: 'mock-echo-1',
    description:
      'Required, as by OpenAI; one of GET /v1/models (unknown: 404 model_not_found). Without ' +
      'MODELS_FILE the gateway serves one model and answers with it whatever is asked, so ' +
      'clients configured with another model name still work.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  model: string;

  @ApiProperty({
    type: [ChatCompletionMessageDto],
    description:
      'The conversation, oldest first, ending with a user message or tool results. At most MAX_HISTORY_MESSAGES.',
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
}
