import type { LlmToolCall, MessageRole } from '../llm/llm.types.js';

export type TurnStatus = 'complete' | 'cancelled' | 'error';

/**
 * One stored turn. Assistant turns record how their generation ended. Tool
 * turns (and the tool fields) came later: a stored text turn has the same
 * shape as before, and turns stored before read as they were.
 */
export interface Turn {
  role: MessageRole;
  /** The text; empty on an assistant turn that only called tools. */
  content: string;
  /** An assistant turn: the tools it called. */
  toolCalls?: LlmToolCall[];
  /** A tool turn: the call it answers. */
  toolCallId?: string;
  /** A tool turn: the function it answers (ERNIE v1 needs it in history). */
  name?: string;
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
