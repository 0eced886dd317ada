import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../common/errors/app-error.js';

export const ACCEPTS_STREAM_TOKEN = Symbol('acceptsStreamToken');

/**
 * Besides `Authorization: Bearer <key>`, the route accepts a short-lived
 * signed `?streamToken=` (from `POST /server/stream-tokens`), because
 * browsers' EventSource cannot send headers. A token opens only the
 * conversation it was issued for: the guard records the binding, and the
 * route checks it against the conversation its validated query names
 * (`assertStreamTokenOpens`), so the query is parsed once.
 */
export const AcceptsStreamToken = () => SetMetadata(ACCEPTS_STREAM_TOKEN, true);

const BOUND_CONVERSATION = Symbol('streamTokenConversation');

type WithBinding = Request & { [BOUND_CONVERSATION]?: string };

/** Called by the guard once a stream token is verified. */
export function bindStreamToken(
  request: Request,
  conversationId: string,
): void {
  (request as WithBinding)[BOUND_CONVERSATION] = conversationId;
}

/** Refuses a stream token used for another conversation than its own. */
export function assertStreamTokenOpens(
  request: Request,
  conversationId: string,
): void {
  const bound = (request as WithBinding)[BOUND_CONVERSATION];
  if (bound !== undefined && bound !== conversationId) {
    throw new AppError(
      'stream_token_conversation_mismatch',
      'This stream token was issued for another conversation.',
      403,
    );
  }
}
