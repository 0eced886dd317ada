import type { Conversation, Turn } from './conversation.js';

/**
 * Where conversations with an id keep their history and owner, and its injection token.
 * In memory by default (bounded, least recently used evicted); Redis when
 * instances share state.
 */
export abstract class ConversationStore {
  abstract get(id: string): Promise<Conversation | undefined>;

  /** Appends turns (creating the conversation), keeping at most the configured number of turns. */
  abstract append(id: string, turns: Turn[]): Promise<Conversation>;

  /** Replaces the whole history, for clients that send the full conversation each time. */
  abstract replace(id: string, turns: Turn[]): Promise<Conversation>;

  abstract delete(id: string): Promise<boolean>;

  /**
   * The principal the conversation belongs to; a conversation nobody has
   * used yet becomes `owner`'s. Returns the owner either way, so the first
   * to post to or subscribe to an id owns it, atomically across instances.
   */
  abstract claimOwner(id: string, owner: string): Promise<string>;

  /** The principal the conversation belongs to; undefined when nobody has used it. */
  abstract ownerOf(id: string): Promise<string | undefined>;

  /**
   * Claims the conversation for one generation. Returns false when another
   * generation holds it. The claim expires after `ttlMs` so that a crashed
   * instance cannot block a conversation for ever.
   */
  abstract claimGeneration(
    id: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean>;

  abstract releaseGeneration(id: string, messageId: string): Promise<void>;

  /** The reply being generated, if any. */
  abstract activeGeneration(id: string): Promise<string | undefined>;
}
