import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { ownerChannel } from '../conversations/conversation.js';

/**
 * Where a principal's use of a conversation goes: its conversation key (the
 * bus channel, the store key and the lock key alike), and who owns it.
 */
export interface ConversationGrant {
  channel: string;
  owner: string;
}

/**
 * What a principal may do with a conversation, decided in one place for
 * every route. Conversation ids are a namespace per API key: `c_1` under key
 * A and `c_1` under key B are two conversations, with their own history,
 * lock, event log and channel (`ownerChannel`). So nothing key B does with
 * an id (subscribing, posting, cancelling, deleting) changes what key A can
 * do with it, and every answer B gets depends only on B's own conversations:
 * ids can be neither squatted nor probed. Nothing is stored for an id until
 * a message is posted to it.
 *
 * Admin keys (ADMIN_API_KEYS) act in their own namespace too; they read,
 * stream and cancel another key's conversation by naming its owner (the
 * `owner` query parameter, a key id such as `k_3f1a9c0d2e4b`, or
 * `anonymous`), and never write to or delete another's. A key that is not an
 * admin naming anyone but itself gets `403 owner_not_allowed`, whatever the
 * id. In open mode (no API_KEYS) every caller is the anonymous principal,
 * whose conversations keep their plain ids, with no owner suffix.
 */
@Injectable()
export class ConversationAccess {
  /** Posting: always in the principal's own namespace. */
  forWriting(conversationId: string, principal: Principal): ConversationGrant {
    return grant(conversationId, principal.keyId);
  }

  /** Subscribing: the principal's own, or an admin's look at a named owner's. */
  forStreaming(
    conversationId: string,
    principal: Principal,
    owner?: string,
  ): ConversationGrant {
    return grant(conversationId, ownerFor(principal, owner, true));
  }

  /** Reading and cancelling: as for subscribing. */
  forReading(
    conversationId: string,
    principal: Principal,
    owner?: string,
  ): ConversationGrant {
    return grant(conversationId, ownerFor(principal, owner, true));
  }

  /** Deleting: the principal's own only, admins included. */
  forDeleting(
    conversationId: string,
    principal: Principal,
    owner?: string,
  ): ConversationGrant {
    return grant(conversationId, ownerFor(principal, owner, false));
  }
}

function ownerFor(
  principal: Principal,
  named: string | undefined,
  adminMayName: boolean,
): string {
  if (named === undefined || named === principal.keyId) return principal.keyId;
  if (adminMayName && principal.admin) return named;
  throw new AppError(
    'owner_not_allowed',
    adminMayName
      ? 'Only an admin key may name another owner.'
      : 'Only the owner may delete a conversation.',
    403,
  );
}

function grant(conversationId: string, owner: string): ConversationGrant {
  return { channel: ownerChannel(conversationId, owner), owner };
}

export function notFound(conversationId: string) {
  return HttpErrors.notFound(
    'conversation_not_found',
    `Conversation ${conversationId} does not exist.`,
  );
}
