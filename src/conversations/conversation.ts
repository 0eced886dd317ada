import type { LlmToolCall, MessageRole } from '../llm/llm.types.js';

export type TurnStatus = 'complete' | 'cancelled' | 'error';

/**
 * One stored turn. Assistant turns record how their generation ended. The
 * tool fields are optional: a text turn has none of them, so any stored
 * turn without them reads as a plain text turn.
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
  turns: readonly Turn[];
  createdAt: string;
  updatedAt: string;
}

/** The conversation without an id: the original page's, where each POST brings its own history. */
export const DEFAULT_CONVERSATION_ID = 'default';

/**
 * The owner of conversations made in open mode, and of those stored in Redis
 * before conversations had owners: only open mode reaches them (and admin
 * keys naming `anonymous` as the owner).
 */
export const ANONYMOUS_OWNER = 'anonymous';

/** Separates a conversation id from its owner in a conversation key; ids cannot contain it. */
const OWNER_SEPARATOR = '~';

/**
 * The key of a conversation owned by `owner`: its bus channel, its store
 * key and its lock. Ids are a namespace per owner: the same id under two
 * API keys is two conversations, so no key can take, squat or probe
 * another's ids. Open mode's single principal keeps the plain ids (one
 * shared `default`, as the original page expects); a key's conversations
 * end in `~<key id>`, which conversation ids cannot contain, so no
 * client-chosen id can reach them.
 */
export function ownerChannel(conversationId: string, owner: string): string {
  return owner === ANONYMOUS_OWNER
    ? conversationId
    : `${conversationId}${OWNER_SEPARATOR}${owner}`;
}

/** The id and owner a conversation key names: the inverse of `ownerChannel`. */
export function channelParts(channel: string): {
  conversationId: string;
  owner: string;
} {
  const at = channel.lastIndexOf(OWNER_SEPARATOR);
  return at < 0
    ? { conversationId: channel, owner: ANONYMOUS_OWNER }
    : { conversationId: channel.slice(0, at), owner: channel.slice(at + 1) };
}
