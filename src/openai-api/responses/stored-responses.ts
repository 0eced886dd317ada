import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/principal.js';
import { ConversationAccess } from '../../chat/conversation-access.service.js';
import type { AppError } from '../../common/errors/app-error.js';
import { HttpErrors } from '../../common/errors/http-errors.js';
import { ConversationStore } from '../../conversations/conversation-store.js';
import type { IncomingMessage } from '../../request-policy/incoming-message.js';
import type { ResponseObjectDto } from './dto/response-object.dto.js';

/** A stored response: what GET answers, and the conversation a continuation starts from. */
export interface StoredResponse {
  response: ResponseObjectDto;
  /** The conversation up to and including this response's output, without `instructions`. */
  conversation: IncomingMessage[];
}

/**
 * Responses kept with `store`, as conversations of the conversation store
 * (memory or Redis, bounded and expiring like every conversation): the
 * response id is the conversation id, in the namespace of the API key that
 * created it (`ConversationAccess`), with one assistant turn holding the
 * stored response. Another key's response, admin keys' included, is
 * answered as an unknown id: the id is kept under its owner's key, so it
 * can be neither read nor probed from another.
 */
@Injectable()
export class StoredResponses {
  constructor(
    private readonly store: ConversationStore,
    private readonly access: ConversationAccess,
  ) {}

  async save(principal: Principal, stored: StoredResponse): Promise<void> {
    const { id } = stored.response;
    const { channel } = this.access.forWriting(id, principal);
    await this.store.replace(channel, [
      {
        role: 'assistant',
        content: JSON.stringify(stored),
        messageId: id,
        status: 'complete',
        createdAt: new Date(stored.response.created_at * 1000).toISOString(),
      },
    ]);
  }

  /** The stored response `id` of `principal`; 404 `response_not_found` when it has none. */
  async read(id: string, principal: Principal): Promise<StoredResponse> {
    const { channel } = this.access.forReading(id, principal);
    const turn = (await this.store.get(channel))?.turns[0];
    if (turn?.messageId !== id) throw responseNotFound(id);
    return JSON.parse(turn.content) as StoredResponse;
  }

  async delete(id: string, principal: Principal): Promise<void> {
    const { channel } = this.access.forDeleting(id, principal);
    if (!(await this.store.delete(channel))) throw responseNotFound(id);
  }
}

export function responseNotFound(id: string): AppError {
  return HttpErrors.notFound(
    'response_not_found',
    `No response with id '${id.slice(0, 128)}' is stored for this API key.`,
  );
}
