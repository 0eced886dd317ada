import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import {
  DEFAULT_CONVERSATION_ID,
  ownerChannel,
} from '../conversations/conversation.js';

/** Where a principal's use of a conversation goes: its bus channel, and who owns it. */
export interface ConversationGrant {
  channel: string;
  owner: string;
}

/**
 * What a principal may do with a conversation, decided in one place for
 * every route. A conversation belongs to the principal that first posted to
 * or subscribed to its id; any other gets `404 conversation_not_found`, the
 * answer for an id nobody uses, so that ids cannot be probed. Admin keys may
 * read, stream and cancel every conversation, but not write to or delete
 * another's.
 *
 * Events travel on a channel named after the conversation and its owner, so
 * a reply can only ever reach its owner's subscribers: even once an idle
 * conversation was evicted or expired and another key took its id, the
 * first owner's open streams hear nothing of the second's. The default
 * conversation has no stored history and no owner: each principal has its
 * own channel for it.
 */
@Injectable()
export class ConversationAccess {
  constructor(private readonly store: ConversationStore) {}

  /** Before posting: the conversation must be unused or the principal's (it then is). */
  async forWriting(
    conversationId: string,
    principal: Principal,
  ): Promise<ConversationGrant> {
    const owner = await this.claim(conversationId, principal);
    if (owner !== principal.keyId) throw notFound(conversationId);
    return this.grant(conversationId, owner);
  }

  /**
   * Before subscribing: as for posting (an unused id becomes the
   * principal's, so that nobody else can post into it while it listens),
   * or an admin's look at another's.
   *
   * When the store cannot answer (Redis down), the stream is still let open
   * but marked `errorsOnly`: the bus then ends it with its `bus_unavailable`
   * event, which tells EventSource to reconnect (it gives up for good on any
   * answer but 200), and nothing else may pass.
   */
  async forStreaming(
    conversationId: string,
    principal: Principal,
  ): Promise<ConversationGrant & { errorsOnly: boolean }> {
    let owner: string;
    try {
      owner = await this.claim(conversationId, principal);
    } catch {
      return {
        ...this.grant(conversationId, principal.keyId),
        errorsOnly: true,
      };
    }
    if (owner !== principal.keyId && !principal.admin) {
      throw notFound(conversationId);
    }
    return { ...this.grant(conversationId, owner), errorsOnly: false };
  }

  /** Reading and cancelling: the principal's own, or any for an admin. */
  forReading(
    conversationId: string,
    principal: Principal,
  ): Promise<ConversationGrant> {
    return this.owned(conversationId, principal, principal.admin === true);
  }

  /** Deleting: the principal's own only. */
  forDeleting(
    conversationId: string,
    principal: Principal,
  ): Promise<ConversationGrant> {
    return this.owned(conversationId, principal, false);
  }

  private claim(conversationId: string, principal: Principal) {
    return conversationId === DEFAULT_CONVERSATION_ID
      ? Promise.resolve(principal.keyId)
      : this.store.claimOwner(conversationId, principal.keyId);
  }

  private async owned(
    conversationId: string,
    principal: Principal,
    anyOwner: boolean,
  ): Promise<ConversationGrant> {
    const owner =
      conversationId === DEFAULT_CONVERSATION_ID
        ? principal.keyId
        : await this.store.ownerOf(conversationId);
    if (owner === undefined || (owner !== principal.keyId && !anyOwner)) {
      throw notFound(conversationId);
    }
    return this.grant(conversationId, owner);
  }

  private grant(conversationId: string, owner: string): ConversationGrant {
    return { channel: ownerChannel(conversationId, owner), owner };
  }
}

export function notFound(conversationId: string) {
  return HttpErrors.notFound(
    'conversation_not_found',
    `Conversation ${conversationId} does not exist.`,
  );
}
