/** Called with the key to drop; the holder frees everything it keeps for it. */
export type Evictor = (key: string) => void;

/** Bytes per holder (`store`, `replay`) of one key. */
type Parts = Map<string, number>;

/** The keys of one group (an API key's conversations), least recently used first. */
interface Group {
  name: string;
  bytes: number;
  keys: Map<string, Parts>;
}

export interface ByteBudgetOptions {
  /**
   * The tenant a key belongs to. Over the limit, the heaviest group gives
   * back first, so no group can push another out while it holds more.
   * One group for all keys when absent.
   */
  groupOf?: (key: string) => string;
}

/**
 * One memory budget shared by the in-memory conversation store and the
 * in-memory bus's replay buffers: each reports the bytes it holds per
 * conversation, and when the total passes the limit conversations are
 * dropped from both, except those a holder protects (a reply being
 * generated).
 *
 * Which go first: the least recently used of the heaviest group (API key)
 * over its fair share, the budget over the keys holding memory. A key within
 * its fair share is never evicted, so another key's flood cannot push it
 * out; a key alone is evicted least recently used first, a plain LRU.
 * Each group's `Map` keeps insertion order, so moving a key to the end on
 * each use makes its first key the least recently used.
 *
 * Sizes are estimates (UTF-16 characters plus a fixed overhead per record),
 * not heap measurements: close enough to bound the heap, cheap enough to
 * update on every event.
 */
export class ByteBudget {
  private readonly groups = new Map<string, Group>();
  /** The group of each key held, so the hot path (`add`, per event) never recomputes it. */
  private readonly groupByKey = new Map<string, Group>();
  private readonly evictors: Evictor[] = [];
  private readonly protectors: ((key: string) => boolean)[] = [];
  private readonly groupOf: (key: string) => string;
  private total = 0;

  constructor(
    readonly limitBytes: number,
    options: ByteBudgetOptions = {},
  ) {
    this.groupOf = options.groupOf ?? (() => '');
  }

  /** Registers a holder: `evict` frees a key, `isProtected` keeps one from eviction. */
  register(evict: Evictor, isProtected: (key: string) => boolean): void {
    this.evictors.push(evict);
    this.protectors.push(isProtected);
  }

  get usedBytes(): number {
    return this.total;
  }

  /** Bytes held for the keys of `group`. */
  groupBytes(group: string): number {
    return this.groups.get(group)?.bytes ?? 0;
  }

  /** Whether a holder protects `key` from eviction (a reply is being generated). */
  isProtected(key: string): boolean {
    return this.protectors.some((isProtected) => isProtected(key));
  }

  /** Records what `holder` now keeps for `key`, marks it most recently used, then evicts. */
  set(key: string, holder: string, bytes: number): void {
    const group = this.groupByKey.get(key) ?? this.group(key);
    const parts = group.keys.get(key) ?? new Map<string, number>();
    this.change(group, bytes - (parts.get(holder) ?? 0));
    parts.set(holder, bytes);
    group.keys.delete(key);
    group.keys.set(key, parts);
    this.groupByKey.set(key, group);
    this.evict();
  }

  /** Adds to (or, negative, takes from) what `holder` keeps for `key`, without reordering. */
  add(key: string, holder: string, bytes: number): void {
    const group = this.groupByKey.get(key);
    const parts = group?.keys.get(key);
    if (!group || !parts) {
      if (bytes > 0) this.set(key, holder, bytes);
      return;
    }
    const held = (parts.get(holder) ?? 0) + bytes;
    this.change(group, bytes);
    if (held > 0) {
      parts.set(holder, held);
    } else {
      parts.delete(holder);
      if (parts.size === 0) this.drop(group, key);
    }
    if (this.total > this.limitBytes) this.evict();
  }

  /** Marks `key` most recently used. */
  touch(key: string): void {
    const keys = this.groupByKey.get(key)?.keys;
    const parts = keys?.get(key);
    if (!keys || !parts) return;
    keys.delete(key);
    keys.set(key, parts);
  }

  /** `holder` keeps nothing more for `key`. */
  release(key: string, holder: string): void {
    const group = this.groupByKey.get(key);
    const parts = group?.keys.get(key);
    if (!group || !parts) return;
    this.change(group, -(parts.get(holder) ?? 0));
    parts.delete(holder);
    if (parts.size === 0) this.drop(group, key);
  }

  private group(key: string): Group {
    const name = this.groupOf(key);
    let group = this.groups.get(name);
    if (!group) {
      group = { name, bytes: 0, keys: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  private change(group: Group, bytes: number): void {
    group.bytes += bytes;
    this.total += bytes;
  }

  private drop(group: Group, key: string): void {
    group.keys.delete(key);
    this.groupByKey.delete(key);
    if (group.keys.size === 0) this.groups.delete(group.name);
  }

  private evict(): void {
    while (this.total > this.limitBytes) {
      const victim = this.nextVictim();
      if (!victim) return;
      const [group, key] = victim;
      const parts = group.keys.get(key)!;
      let bytes = 0;
      for (const held of parts.values()) bytes += held;
      this.change(group, -bytes);
      this.drop(group, key);
      for (const evict of this.evictors) evict(key);
    }
  }

  /**
   * The least recently used unprotected key of the heaviest group over its
   * fair share (the limit over the groups holding memory) that has one.
   * A group within its share is never a victim: while the heavy groups'
   * keys are all protected (their replies running), the budget runs over
   * until one ends, rather than push a lighter key's conversations out.
   */
  private nextVictim(): [Group, string] | undefined {
    const fairShare = this.limitBytes / this.groups.size;
    const heaviestFirst: Group[] = [];
    for (const group of this.groups.values()) {
      if (group.bytes > fairShare) heaviestFirst.push(group);
    }
    if (heaviestFirst.length > 1)
      heaviestFirst.sort((a, b) => b.bytes - a.bytes);
    for (const group of heaviestFirst) {
      for (const key of group.keys.keys()) {
        if (!this.isProtected(key)) return [group, key];
      }
    }
    return undefined;
  }
}
