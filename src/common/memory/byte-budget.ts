/** Called with the key to drop; the holder frees everything it keeps for it. */
export type Evictor = (key: string) => void;

/**
 * One memory budget shared by the in-memory conversation store and the
 * in-memory bus's replay buffers: each reports the bytes it holds per
 * conversation, and when the total passes the limit the least recently used
 * conversations are dropped from both, except those a holder protects (a
 * reply being generated). A `Map` keeps insertion order, so moving a key to
 * the end on each use makes the first key the least recently used.
 *
 * Sizes are estimates (UTF-16 characters plus a fixed overhead per record),
 * not heap measurements: close enough to bound the heap, cheap enough to
 * update on every event.
 */
export class ByteBudget {
  /** Bytes per key, per holder (`store`, `replay`), in least-recently-used order. */
  private readonly usage = new Map<string, Map<string, number>>();
  private readonly evictors: Evictor[] = [];
  private readonly protectors: ((key: string) => boolean)[] = [];
  private total = 0;

  constructor(readonly limitBytes: number) {}

  /** Registers a holder: `evict` frees a key, `isProtected` keeps one from eviction. */
  register(evict: Evictor, isProtected: (key: string) => boolean): void {
    this.evictors.push(evict);
    this.protectors.push(isProtected);
  }

  get usedBytes(): number {
    return this.total;
  }

  /** Records what `holder` now keeps for `key`, marks it most recently used, then evicts. */
  set(key: string, holder: string, bytes: number): void {
    const parts = this.usage.get(key) ?? new Map<string, number>();
    this.total += bytes - (parts.get(holder) ?? 0);
    parts.set(holder, bytes);
    this.usage.delete(key);
    this.usage.set(key, parts);
    this.evict();
  }

  /** Adds to (or, negative, takes from) what `holder` keeps for `key`, without reordering. */
  add(key: string, holder: string, bytes: number): void {
    const parts = this.usage.get(key);
    if (!parts) {
      if (bytes > 0) this.set(key, holder, bytes);
      return;
    }
    const held = (parts.get(holder) ?? 0) + bytes;
    this.total += bytes;
    if (held > 0) {
      parts.set(holder, held);
    } else {
      parts.delete(holder);
      if (parts.size === 0) this.usage.delete(key);
    }
    if (this.total > this.limitBytes) this.evict();
  }

  /** Marks `key` most recently used. */
  touch(key: string): void {
    const parts = this.usage.get(key);
    if (!parts) return;
    this.usage.delete(key);
    this.usage.set(key, parts);
  }

  /** `holder` keeps nothing more for `key`. */
  release(key: string, holder: string): void {
    const parts = this.usage.get(key);
    if (!parts) return;
    this.total -= parts.get(holder) ?? 0;
    parts.delete(holder);
    if (parts.size === 0) this.usage.delete(key);
  }

  private evict(): void {
    if (this.total <= this.limitBytes) return;
    // Deleting the entry being visited is safe while iterating a Map.
    for (const [key, parts] of this.usage) {
      if (this.total <= this.limitBytes) return;
      if (this.protectors.some((isProtected) => isProtected(key))) continue;
      this.usage.delete(key);
      for (const bytes of parts.values()) this.total -= bytes;
      for (const evict of this.evictors) evict(key);
    }
  }
}
