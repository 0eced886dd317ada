import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import {
  ANONYMOUS_OWNER,
  DEFAULT_CONVERSATION_ID,
} from '../conversations/conversation.js';

/**
 * What a principal may do with a conversation, decided in one place for
 * every route. A conversation belongs to the principal that first posted to
 * or subscribed to its id; any other gets `404 conversation_not_found`, the
 * answer for an id nobody uses, so that ids cannot be probed. Admin keys may
 * read, stream and cancel every conversation, but not write to or delete
 * another's.
 *
 * The default conversation has no stored history and no owner: each
 * principal has its own bus channel for it, so replies never cross keys.
 */
@Injectable()
export class ConversationAccess {
  constructor(private readonly store: ConversationStore) {}

  /**
   * The bus channel of `conversationId` for this principal. The default
   * conversation of a key gets a channel id with a `~`, which conversation
   * ids cannot contain, so no client-chosen id can reach it; open mode keeps
   * the one shared `default` channel.
   */
  channelOf(conversationId: string, principal: Principal): string {
    return conversationId === DEFAULT_CONVERSATION_ID &&
      principal.keyId !== ANONYMOUS_OWNER
      ? `${DEFAULT_CONVERSATION_ID}~${principal.keyId}`
      : conversationId;
  }

  /** Before posting: the conversation must be unused or the principal's (it then is). */
  async forWriting(conversationId: string, principal: Principal) {
    if (conversationId === DEFAULT_CONVERSATION_ID) return;
    const owner = await this.store.claimOwner(conversationId, principal.keyId);
    if (owner !== principal.keyId) throw notFound(conversationId);
  }

  /**
   * Before subscribing: as for posting (an unused id becomes the
   * principal's, so nobody else can post replies into it), or an admin's
   * look at another's. Returns the channel to subscribe to.
   *
   * When the store cannot answer (Redis down), the stream is still let open
   * but marked `errorsOnly`: the bus then ends it with its `bus_unavailable`
   * event, which tells EventSource to reconnect (it gives up for good on any
   * answer but 200), and nothing else may pass.
   */
  async forStreaming(
    conversationId: string,
    principal: Principal,
  ): Promise<{ channel: string; errorsOnly: boolean }> {
    const channel = this.channelOf(conversationId, principal);
    if (conversationId === DEFAULT_CONVERSATION_ID) {
      return { channel, errorsOnly: false };
    }
    let owner: string;
    try {
      owner = await this.store.claimOwner(conversationId, principal.keyId);
    } catch {
      return { channel, errorsOnly: true };
    }
    if (owner !== principal.keyId && !principal.admin) {
      throw notFound(conversationId);
    }
    return { channel, errorsOnly: false };
  }

  /** Reading and cancelling: the principal's own, or any for an admin. */
  async forReading(conversationId: string, principal: Principal) {
    await this.assertOwned(conversationId, principal, principal.admin === true);
  }

  /** Deleting: the principal's own only. */
  async forDeleting(conversationId: string, principal: Principal) {
    await this.assertOwned(conversationId, principal, false);
  }

  private async assertOwned(
    conversationId: string,
    principal: Principal,
    anyOwner: boolean,
  ): Promise<void> {
    if (conversationId === DEFAULT_CONVERSATION_ID) return;
    const owner = await this.store.ownerOf(conversationId);
    if (owner === undefined || (owner !== principal.keyId && !anyOwner)) {
      throw notFound(conversationId);
    }
  }
}

export function notFound(conversationId: string) {
  return HttpErrors.notFound(
    'conversation_not_found',
    `Conversation ${conversationId} does not exist.`,
  );
}
