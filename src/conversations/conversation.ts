import type { ChatRole } from '../llm/llm.types.js';

export type TurnStatus = 'complete' | 'cancelled' | 'error';

/** One stored turn. Assistant turns record how their generation ended. */
export interface Turn {
  role: ChatRole;
  content: string;
  /** The reply id for assistant turns (the `messageId` of its events). */
  messageId?: string;
  status?: TurnStatus;
  createdAt: string;
}

export interface Conversation {
  id: string;
  turns: Turn[];
  createdAt: string;
  updatedAt: string;
}

/** The conversation without an id: the original page's, where each POST brings its own history. */
export const DEFAULT_CONVERSATION_ID = 'default';

/**
 * The owner of conversations made in open mode, and of those stored in Redis
 * before conversations had owners: only open mode and admin keys reach them.
 */
export const ANONYMOUS_OWNER = 'anonymous';

/**
 * The bus channel of a conversation owned by `owner`. Open mode's single
 * principal keeps the plain ids (one shared `default`, as the original page
 * expects); a key's channels end in `~<key id>`, which conversation ids
 * cannot contain, so no client-chosen id can reach them.
 */
export function ownerChannel(conversationId: string, owner: string): string {
  return owner === ANONYMOUS_OWNER
    ? conversationId
    : `${conversationId}~${owner}`;
}
