import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from '../../common/validation/conversation-id.js';

export class CreateStreamTokenDto {
  @ApiPropertyOptional({
    pattern: CONVERSATION_ID_PATTERN.source,
    example: 'c_4f2a9',
    description:
      'Bind the token to this conversation (`default` for the public one): it then opens only ' +
      "that stream. Absent: `default` (the key's own default conversation).",
  })
  @IsOptional()
  @Matches(CONVERSATION_ID_PATTERN, { message: CONVERSATION_ID_RULE })
  conversationId?: string;
}
