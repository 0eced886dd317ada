import { ByteBudget } from '../../common/memory/byte-budget.js';
import { ConversationStore } from '../conversation-store.js';
import { ownerChannel, type Conversation, type Turn } from '../conversation.js';

export interface MemoryStoreOptions {
  maxConversations: number;
  maxTurns: number;
  /** Shared with the in-memory bus; unlimited when absent (unit tests). */
  budget?: ByteBudget;
  now?: () => number;
}

interface Claim {
  messageId: string;
  expiresAt: number;
}

/** An id in use: its owner, and its history once something was posted. */
interface Entry {
  owner: string;
  conversation?: Conversation;
}

const BUDGET_HOLDER = 'store';
/** Estimated bytes of an entry and of a turn besides their text (objects, dates, ids). */
const ENTRY_OVERHEAD_BYTES = 300;
const TURN_OVERHEAD_BYTES = 200;

/**
 * Conversations of one process, bounded by count (MAX_CONVERSATIONS) and,
 * with the replay buffers, by bytes (MEMORY_BUDGET_MB). A `Map` keeps
 * insertion order, so moving an entry to the end on each use makes the first
 * key the least recently used: an LRU without a library. A conversation with
 * a reply being generated is never evicted. In the budget a conversation is
 * known by its owner's channel, the key its replay is counted under too, so
 * that the two are evicted together.
 */
export class MemoryConversationStore extends ConversationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly claims = new Map<string, Claim>();
  private readonly budget: ByteBudget;
  /** Conversation id by budget key, and budget key by conversation id. */
  private readonly idByKey = new Map<string, string>();
  private readonly keyById = new Map<string, string>();

  constructor(private readonly options: MemoryStoreOptions) {
    super();
    this.budget = options.budget ?? new ByteBudget(Number.POSITIVE_INFINITY);
    this.budget.register(
      (key) => {
        const id = this.idByKey.get(key);
        if (id !== undefined) this.forget(id);
      },
      (key) => this.claims.has(this.idByKey.get(key) ?? ''),
    );
  }

  get(id: string): Promise<Conversation | undefined> {
    const entry = this.entries.get(id);
    if (entry?.conversation) this.touch(id, entry);
    return Promise.resolve(
      entry?.conversation && structuredClone(entry.conversation),
    );
  }

  append(id: string, turns: Turn[]): Promise<Conversation> {
    const existing = this.entries.get(id)?.conversation;
    return this.replace(id, [...(existing?.turns ?? []), ...turns]);
  }

  replace(id: string, turns: Turn[]): Promise<Conversation> {
    const now = new Date(this.now()).toISOString();
    const entry = this.entries.get(id);
    const conversation: Conversation = {
      id,
      turns: turns.slice(-this.options.maxTurns),
      createdAt: entry?.conversation?.createdAt ?? now,
      updatedAt: now,
    };
    // An owner was claimed before any write; an entry evicted in between
    // stays unowned, and so unreadable until someone claims it again.
    this.save(id, { owner: entry?.owner ?? '', conversation });
    return Promise.resolve(structuredClone(conversation));
  }

  delete(id: string): Promise<boolean> {
    this.claims.delete(id);
    const existed = this.entries.get(id)?.conversation !== undefined;
    this.forget(id);
    return Promise.resolve(existed);
  }

  claimOwner(id: string, owner: string): Promise<string> {
    const entry = this.entries.get(id);
    if (entry?.owner) {
      this.touch(id, entry);
      return Promise.resolve(entry.owner);
    }
    this.save(id, { ...entry, owner });
    return Promise.resolve(owner);
  }

  ownerOf(id: string): Promise<string | undefined> {
    return Promise.resolve(this.entries.get(id)?.owner || undefined);
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
    return this.entries.size;
  }

  private save(id: string, entry: Entry): void {
    const key = entry.owner ? ownerChannel(id, entry.owner) : id;
    const previous = this.keyById.get(id);
    if (previous !== undefined && previous !== key) {
      this.budget.release(previous, BUDGET_HOLDER);
      this.idByKey.delete(previous);
    }
    this.keyById.set(id, key);
    this.idByKey.set(key, id);
    this.touch(id, entry);
    this.budget.set(key, BUDGET_HOLDER, sizeOf(entry));
    this.evictOverCount();
  }

  private touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    const key = this.keyById.get(id);
    if (key !== undefined) this.budget.touch(key);
  }

  private evictOverCount(): void {
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.options.maxConversations) return;
      if (!this.claims.has(id)) this.forget(id);
    }
  }

  private forget(id: string): void {
    this.entries.delete(id);
    const key = this.keyById.get(id);
    if (key === undefined) return;
    this.keyById.delete(id);
    this.idByKey.delete(key);
    this.budget.release(key, BUDGET_HOLDER);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function sizeOf(entry: Entry): number {
  let bytes = ENTRY_OVERHEAD_BYTES + entry.owner.length * 2;
  for (const turn of entry.conversation?.turns ?? []) {
    bytes += TURN_OVERHEAD_BYTES + turn.content.length * 2;
    for (const call of turn.toolCalls ?? []) {
      bytes += TURN_OVERHEAD_BYTES + (call.name + call.arguments).length * 2;
    }
  }
  return bytes;
}
