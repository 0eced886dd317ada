import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_STREAM_TOKEN = Symbol('acceptsStreamToken');

export interface StreamTokenRouteOptions {
  /** Query parameter naming the conversation a bound token must match. */
  conversationParam: string;
  /** The conversation an absent parameter means. */
  defaultConversation: string;
}

/**
 * Besides `Authorization: Bearer <key>`, the route accepts a short-lived
 * signed `?streamToken=` (from `POST /server/stream-tokens`), because
 * browsers' EventSource cannot send headers. A token bound to a conversation
 * only opens that conversation.
 */
export const AcceptsStreamToken = (options: StreamTokenRouteOptions) =>
  SetMetadata(ACCEPTS_STREAM_TOKEN, options);
