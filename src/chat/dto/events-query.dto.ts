import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from '../../common/validation/conversation-id.js';
import { OwnerQueryDto } from './owner-query.dto.js';

export const EVENT_ID_PATTERN = /^\d{1,15}-\d{1,15}$/;

export class EventsQueryDto extends OwnerQueryDto {
  @ApiPropertyOptional({
    pattern: CONVERSATION_ID_PATTERN.source,
    example: 'c_4f2a9',
  })
  @IsOptional()
  @Matches(CONVERSATION_ID_PATTERN, { message: CONVERSATION_ID_RULE })
  conversationId?: string;

  @ApiPropertyOptional({
    example: '1764131282000-3',
    description:
      'Resume after this event id (same as the `Last-Event-ID` header, which wins).',
  })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, {
    message: 'lastEventId must be an event id such as 1764131282000-3',
  })
  lastEventId?: string;

  @ApiPropertyOptional({
    description:
      'When API_KEYS is set and the client cannot send `Authorization` (EventSource): a token ' +
      'from `POST /server/stream-tokens`. Never put the API key itself in a URL.',
    example: 'st1.eyJrIjoia18zZjFhOWMwZDJlNGIiLCJlIjoxNzY0MTMxNTgyfQ.q4t2…',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  streamToken?: string;
}
