import type { Conversation, Turn } from './conversation.js';

/**
 * Where conversations with an id keep their history, and its injection
 * token. Conversations are stored by conversation key (`ownerChannel`: the
 * id within its owner's namespace), so ownership needs no record of its own:
 * a key only ever reaches the conversations under its own id. The one reply
 * at a time is `GenerationLock`'s. In memory by default (bounded, shared
 * fairly between API keys); Redis when instances share state.
 */
export abstract class ConversationStore {
  /**
   * The conversation as stored. Every method's answer is read-only (the
   * memory store hands out its own frozen record, without a copy); the
   * turns a caller passes in are copied, so changing them afterwards
   * changes nothing stored.
   */
  abstract get(key: string): Promise<Conversation | undefined>;

  /** Appends turns (creating the conversation), keeping at most the configured number of turns. */
  abstract append(key: string, turns: Turn[]): Promise<Conversation>;

  /** Replaces the whole history, for clients that send the full conversation each time. */
  abstract replace(key: string, turns: Turn[]): Promise<Conversation>;

  abstract delete(key: string): Promise<boolean>;
}
