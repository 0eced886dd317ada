import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/principal.js';
import { ConversationAccess } from '../../chat/conversation-access.service.js';
import { AppError } from '../../common/errors/app-error.js';
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
 * response id is the conversation id, owned by the API key that created it,
 * with one assistant turn holding the stored response. Ownership is the
 * conversations' own rule (`ConversationAccess`): another key's response is
 * answered as an unknown id, so ids cannot be probed; admin keys may read
 * any, but delete only their own.
 */
@Injectable()
export class StoredResponses {
  constructor(
    private readonly store: ConversationStore,
    private readonly access: ConversationAccess,
  ) {}

  async save(principal: Principal, stored: StoredResponse): Promise<void> {
    const { id } = stored.response;
    await this.access.forWriting(id, principal);
    await this.store.replace(id, [
      {
        role: 'assistant',
        content: JSON.stringify(stored),
        messageId: id,
        status: 'complete',
        createdAt: new Date(stored.response.created_at * 1000).toISOString(),
      },
    ]);
  }

  /**
   * The stored response `id`; 404 `response_not_found` when there is none
   * `principal` may read (`ownOnly`: none of its own, as for continuing one).
   */
  async read(
    id: string,
    principal: Principal,
    ownOnly = false,
  ): Promise<StoredResponse> {
    await this.owned(
      () =>
        ownOnly
          ? this.access.forDeleting(id, principal)
          : this.access.forReading(id, principal),
      id,
    );
    const turn = (await this.store.get(id))?.turns[0];
    if (turn?.messageId !== id) throw responseNotFound(id);
    return JSON.parse(turn.content) as StoredResponse;
  }

  async delete(id: string, principal: Principal): Promise<void> {
    await this.owned(() => this.access.forDeleting(id, principal), id);
    if (!(await this.store.delete(id))) throw responseNotFound(id);
  }

  private async owned(
    check: () => Promise<unknown>,
    id: string,
  ): Promise<void> {
    try {
      await check();
    } catch (error) {
      if (error instanceof AppError && error.status === 404)
        throw responseNotFound(id);
      throw error;
    }
  }
}

export function responseNotFound(id: string): AppError {
  return HttpErrors.notFound(
    'response_not_found',
    `No response with id '${id.slice(0, 128)}' is stored for this API key.`,
  );
}
