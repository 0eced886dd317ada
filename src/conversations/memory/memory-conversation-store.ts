import { ConversationStore } from '../conversation-store.js';
import type { Conversation, Turn } from '../conversation.js';

export interface MemoryStoreOptions {
  maxConversations: number;
  maxTurns: number;
  now?: () => number;
}

interface Claim {
  messageId: string;
  expiresAt: number;
}

/**
 * Conversations of one process. A `Map` keeps insertion order, so moving an
 * entry to the end on each use makes the first key the least recently used:
 * an LRU without a library.
 */
export class MemoryConversationStore extends ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly claims = new Map<string, Claim>();

  constructor(private readonly options: MemoryStoreOptions) {
    super();
  }

  get(id: string): Promise<Conversation | undefined> {
    const conversation = this.conversations.get(id);
    if (conversation) this.touch(id, conversation);
    return Promise.resolve(conversation && structuredClone(conversation));
  }

  append(id: string, turns: Turn[]): Promise<Conversation> {
    const existing = this.conversations.get(id);
    return this.replace(id, [...(existing?.turns ?? []), ...turns]);
  }

  replace(id: string, turns: Turn[]): Promise<Conversation> {
    const now = new Date(this.now()).toISOString();
    const existing = this.conversations.get(id);
    const conversation: Conversation = {
      id,
      turns: turns.slice(-this.options.maxTurns),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.touch(id, conversation);
    this.evict();
    return Promise.resolve(structuredClone(conversation));
  }

  delete(id: string): Promise<boolean> {
    this.claims.delete(id);
    return Promise.resolve(this.conversations.delete(id));
  }

  claimGeneration(
    id: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean> {
    const claim = this.claims.get(id);
    if (claim && claim.expiresAt > this.now()) return Promise.resolve(false);
    this.claims.set(id, { messageId, expiresAt: this.now() + ttlMs });
    return Promise.resolve(true);
  }

  releaseGeneration(id: string, messageId: string): Promise<void> {
    if (this.claims.get(id)?.messageId === messageId) this.claims.delete(id);
    return Promise.resolve();
  }

  activeGeneration(id: string): Promise<string | undefined> {
    const claim = this.claims.get(id);
    return Promise.resolve(
      claim && claim.expiresAt > this.now() ? claim.messageId : undefined,
    );
  }

  get size(): number {
    return this.conversations.size;
  }

  private touch(id: string, conversation: Conversation): void {
    this.conversations.delete(id);
    this.conversations.set(id, conversation);
  }

  private evict(): void {
    for (const id of this.conversations.keys()) {
      if (this.conversations.size <= this.options.maxConversations) return;
      if (this.claims.has(id)) continue;
      this.conversations.delete(id);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
