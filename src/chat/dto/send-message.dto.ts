import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from '../../common/validation/conversation-id.js';
import { GenerationOptionsDto } from '../../request-policy/dto/generation-options.dto.js';
import { ChatMessageDto } from './chat-message.dto.js';

/**
 * The generation options are OpenAI's (`temperature`, `max_tokens`, `stop`,
 * `tools`…), checked by the same policy as on `/v1/chat/completions`.
 */
export class SendMessageDto extends GenerationOptionsDto {
  @ApiProperty({
    type: [ChatMessageDto],
    description:
      'The conversation, oldest first, ending with a user message. With a `conversationId`, ' +
      'send just the new user message (the server keeps the history) or the whole conversation.',
    example: [{ role: 'user', content: 'Hello!' }],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages: ChatMessageDto[];

  @ApiPropertyOptional({
    pattern: CONVERSATION_ID_PATTERN.source,
    example: 'c_4f2a9',
    description:
      'A conversation whose history the server keeps. Absent: the default public conversation ' +
      '(no history kept, replies go to every subscriber of `/server/events`).',
  })
  @IsOptional()
  @Matches(CONVERSATION_ID_PATTERN, { message: CONVERSATION_ID_RULE })
  conversationId?: string;

  @ApiPropertyOptional({
    example: 'ernie-speed',
    description:
      'The model to answer with (GET /server/models lists them). Absent: DEFAULT_MODEL. ' +
      'Unknown: 404 model_not_found.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  model?: string;
}
