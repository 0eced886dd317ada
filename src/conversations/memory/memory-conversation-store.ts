import { ByteBudget } from '../../common/memory/byte-budget.js';
import type { LlmToolCall } from '../../llm/llm.types.js';
import { ConversationStore } from '../conversation-store.js';
import { channelParts, type Conversation, type Turn } from '../conversation.js';

export interface MemoryStoreOptions {
  maxConversations: number;
  maxTurns: number;
  /** Shared with the in-memory bus; unlimited when absent (unit tests). */
  budget?: ByteBudget;
  now?: () => number;
}

const BUDGET_HOLDER = 'store';
/** Estimated bytes of an entry and of a turn besides their text (objects, dates, ids). */
const ENTRY_OVERHEAD_BYTES = 300;
const TURN_OVERHEAD_BYTES = 200;

/**
 * Conversations of one process, by conversation key (`ownerChannel`),
 * bounded by count (MAX_CONVERSATIONS) and, with the replay buffers, by
 * bytes (MEMORY_BUDGET_MB). Both bounds are shared fairly between API keys:
 * over either, the key holding the most gives back its least recently used
 * conversation first (see `ByteBudget`), so one key's flood cannot push
 * another key's idle conversation out. A `Map` keeps insertion order, so
 * moving an entry to the end on each use makes the first key the least
 * recently used. A conversation with a reply being generated is never
 * evicted (the generation lock protects it in the budget).
 *
 * Because ids are a namespace per API key, an evicted conversation's id can
 * only ever be used again by its owner: no tombstone is needed to keep
 * another key from taking it.
 */
export class MemoryConversationStore extends ConversationStore {
  private readonly entries = new Map<string, Conversation>();
  /** Stored conversations per owner, for the fair count bound. */
  private readonly countByOwner = new Map<string, number>();
  private readonly budget: ByteBudget;

  constructor(private readonly options: MemoryStoreOptions) {
    super();
    this.budget = options.budget ?? new ByteBudget(Number.POSITIVE_INFINITY);
    this.budget.register(
      (key) => this.forget(key),
      () => false,
    );
  }

  /**
   * The stored conversation itself, not a copy: it is frozen, turns
   * included, so no caller can change what is stored through it.
   */
  get(key: string): Promise<Conversation | undefined> {
    const conversation = this.entries.get(key);
    if (conversation) this.touch(key, conversation);
    return Promise.resolve(conversation);
  }

  append(key: string, turns: Turn[]): Promise<Conversation> {
    const existing = this.entries.get(key)?.turns ?? [];
    return Promise.resolve(this.store(key, [...existing, ...turns.map(kept)]));
  }

  replace(key: string, turns: Turn[]): Promise<Conversation> {
    return Promise.resolve(this.store(key, turns.map(kept)));
  }

  delete(key: string): Promise<boolean> {
    const existed = this.entries.has(key);
    this.forget(key);
    return Promise.resolve(existed);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Stores frozen turns under a new frozen record. Only the turns given
   * are copied (`kept`): the earlier ones are shared with the record
   * before, frozen already. Copying the whole conversation on every read
   * and write (`structuredClone`) would cost 3–4 % of the CPU of a
   * seed-route reply (bench/analysis.md), growing with the history.
   */
  private store(key: string, turns: readonly Turn[]): Conversation {
    const now = new Date(this.now()).toISOString();
    const existing = this.entries.get(key);
    const conversation: Conversation = Object.freeze({
      id: channelParts(key).conversationId,
      turns: Object.freeze(turns.slice(-this.options.maxTurns)),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    if (!existing) this.count(key, 1);
    this.touch(key, conversation);
    this.budget.set(key, BUDGET_HOLDER, sizeOf(conversation));
    this.evictOverCount();
    return conversation;
  }

  private touch(key: string, conversation: Conversation): void {
    this.entries.delete(key);
    this.entries.set(key, conversation);
    this.budget.touch(key);
  }

  /** Over MAX_CONVERSATIONS: the least recently used of the owner with the most. */
  private evictOverCount(): void {
    while (this.entries.size > this.options.maxConversations) {
      const heaviestFirst = [...this.countByOwner].sort((a, b) => b[1] - a[1]);
      const victim = heaviestFirst
        .map(([owner]) =>
          [...this.entries.keys()].find(
            (key) =>
              channelParts(key).owner === owner &&
              !this.budget.isProtected(key),
          ),
        )
        .find((key) => key !== undefined);
      if (victim === undefined) return;
      this.forget(victim);
    }
  }

  private forget(key: string): void {
    if (!this.entries.delete(key)) return;
    this.count(key, -1);
    this.budget.release(key, BUDGET_HOLDER);
  }

  private count(key: string, change: number): void {
    const { owner } = channelParts(key);
    const count = (this.countByOwner.get(owner) ?? 0) + change;
    if (count > 0) this.countByOwner.set(owner, count);
    else this.countByOwner.delete(owner);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/**
 * A caller's turn as the store keeps it: its own copy, frozen down to its
 * tool calls. A turn holds strings and its tool calls only, so spreading
 * copies it whole; `structuredClone` cost ~20 µs a turn.
 */
function kept(turn: Turn): Turn {
  const copy: Turn = { ...turn };
  if (turn.toolCalls) {
    copy.toolCalls = Object.freeze(
      turn.toolCalls.map((call) => Object.freeze({ ...call })),
    ) as LlmToolCall[];
  }
  return Object.freeze(copy);
}

function sizeOf(conversation: Conversation): number {
  let bytes = ENTRY_OVERHEAD_BYTES;
  for (const turn of conversation.turns) {
    bytes += TURN_OVERHEAD_BYTES + turn.content.length * 2;
    for (const call of turn.toolCalls ?? []) {
      bytes += TURN_OVERHEAD_BYTES + (call.name + call.arguments).length * 2;
    }
  }
  return bytes;
}
