import { ReadsJsonBody } from '../common/http/json-body.guard.js';
import { AcceptsNewWork } from '../common/lifecycle/accepts-new-work.decorator.js';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { assertStreamTokenOpens } from '../access/accepts-stream-token.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { clientIdentityOf, type Principal } from '../access/principal.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ConversationIdPipe } from '../common/validation/conversation-id.pipe.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation.js';
import { ChatService } from './chat.service.js';
import { ConversationAccess } from './conversation-access.service.js';
import { CancelGenerationDto } from './dto/cancel-generation.dto.js';
import { ConversationDto } from './dto/conversation.dto.js';
import { EVENT_ID_PATTERN, EventsQueryDto } from './dto/events-query.dto.js';
import { OwnerQueryDto } from './dto/owner-query.dto.js';
import { SendAcceptedDto } from './dto/send-accepted.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { EVENT_STREAM_DESCRIPTION } from './sse/event-stream.description.js';
import { EventStreamRoute } from '../streaming/event-stream-route.decorator.js';
import { EventStreamService } from './sse/event-stream.service.js';
import type { SseFrame } from '../streaming/sse-frame.js';

const PREFIX = 'server';

@ApiTags('chat')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description:
    'API_KEYS is set and the request has no valid key (missing_api_key, invalid_api_key; ' +
    'on /server/events also invalid_stream_token, stream_token_expired).',
})
@ApiTooManyRequestsResponse({
  type: ErrorResponseDto,
  description: 'rate_limited (with Retry-After)',
})
@Controller(PREFIX)
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly streams: EventStreamService,
    private readonly access: ConversationAccess,
  ) {}

  @Post('send')
  @ReadsJsonBody()
  @AcceptsNewWork()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Send a message; the reply streams to subscribers of /server/events',
    description:
      'Answers at once with the ids of the reply; the generation runs in the background and never ' +
      'waits for a subscriber. Without `conversationId` the request uses the default public ' +
      'conversation: it carries its own history and replies may run concurrently. With one, the ' +
      'server keeps the history and runs one reply at a time (409 otherwise).',
  })
  @ApiAcceptedResponse({ type: SendAcceptedDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid body (field and rule named).',
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'generation_in_progress',
  })
  send(
    @Body() body: SendMessageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SendAcceptedDto> {
    return this.chat.send(body, principal);
  }

  @EventStreamRoute({
    prefix: PREFIX,
    path: 'events',
  })
  @ApiOperation({
    summary: 'Stream the events of a conversation (Server-Sent Events)',
    description: EVENT_STREAM_DESCRIPTION,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event id.',
  })
  @ApiOkResponse({
    description:
      'An endless `text/event-stream` (events in the description above).',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'retry: 2000\nid: 1764131282000-0\nevent: ready\ndata: {"conversationId":"default"}\n\n' +
          'id: 1764131282000-1\nevent: delta\ndata: {"messageId":"2d0f…","text":"Hello"}\n\n',
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      'stream_token_conversation_mismatch; owner_not_allowed (`owner` named by a key that is not an admin)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description:
      'rate_limited, too_many_streams, too_many_streams_per_client (MAX_STREAMS_PER_KEY per key, ' +
      'SSE_MAX_STREAMS_PER_IP per address when open)',
  })
  async events(
    @Query() query: EventsQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Observable<SseFrame>> {
    const lastEventId = lastEventIdHeader?.trim() || query.lastEventId;
    if (lastEventId !== undefined && !EVENT_ID_PATTERN.test(lastEventId)) {
      const message =
        'Last-Event-ID must be an event id such as 1764131282000-3';
      throw HttpErrors.validation(message, [
        { field: 'Last-Event-ID', rule: 'isEventId', message },
      ]);
    }
    const conversationId = query.conversationId ?? DEFAULT_CONVERSATION_ID;
    assertStreamTokenOpens(request, conversationId);
    const { channel } = this.access.forStreaming(
      conversationId,
      principal,
      query.owner,
    );
    return this.streams.open({
      conversationId,
      channel,
      lastEventId,
      client: clientIdentityOf(request),
      connection: request.res,
    });
  }

  @Get('conversations/:id')
  @ApiOperation({ summary: 'The stored turns of a conversation' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description:
      'conversation_not_found: the caller has no conversation with this id (ids are per key)',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'owner_not_allowed',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      'state_unavailable: the state backend (Redis) cannot be reached',
  })
  getConversation(
    @Param('id', ConversationIdPipe) id: string,
    @Query() query: OwnerQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConversationDto> {
    return this.chat.getConversation(id, principal, query.owner);
  }

  @Delete('conversations/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a conversation (stops its running reply)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'owner_not_allowed: only the owner deletes, admins included',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'state_unavailable',
  })
  deleteConversation(
    @Param('id', ConversationIdPipe) id: string,
    @Query() query: OwnerQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.chat.deleteConversation(id, principal, query.owner);
  }

  @Post('conversations/:id/cancel')
  @ReadsJsonBody()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Stop the reply being generated',
    description:
      'The stream then gets `done` with `finishReason: "cancelled"` and the partial text. ' +
      'Works whichever instance runs the reply. In the default conversation, `messageId` picks one reply.',
  })
  @ApiAcceptedResponse({ description: '{ conversationId, messageId }' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'no_active_generation',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'owner_not_allowed',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'state_unavailable',
  })
  cancel(
    @Param('id', ConversationIdPipe) id: string,
    @Body() body: CancelGenerationDto,
    @Query() query: OwnerQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ conversationId: string; messageId?: string }> {
    return this.chat.cancel(id, principal, body?.messageId, query.owner);
  }
}
