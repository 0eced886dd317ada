import type { Subscription } from 'rxjs';
import type { RedisConnections } from '../../redis/redis-connections.js';
import { READ_PRESENCE, SET_PRESENCE } from './presence.scripts.js';

export interface PresenceOptions {
  /** This process's field name in the presence hashes. */
  instanceId: string;
  /** How long a field outlives its last refresh: an instance that died stops counting after it. */
  ttlMs: number;
}

/**
 * Listener counts across instances. Each instance writes its own count of
 * local listeners per conversation and refreshes it on a timer (also right
 * after Redis comes back, which may have lost it). A write that fails is
 * left to the next refresh: counts converge without blocking a subscriber.
 */
export class RedisPresence {
  /** Local listeners per conversation; a 0 stays until Redis has recorded it. */
  private readonly local = new Map<string, number>();
  private readonly refresher: NodeJS.Timeout;
  private readonly restored: Subscription;

  constructor(
    private readonly redis: RedisConnections,
    private readonly options: PresenceOptions,
  ) {
    this.refresher = setInterval(
      () => this.refreshAll(),
      Math.max(100, Math.floor(options.ttlMs / 3)),
    );
    this.refresher.unref();
    this.restored = redis.restored$.subscribe(() => this.refreshAll());
  }

  /** How often readers should re-read the total, to notice instances that died. */
  get pollIntervalMs(): number {
    return Math.max(100, Math.floor(this.options.ttlMs / 3));
  }

  /** The channel that tells a conversation's watchers about listeners and cancellations. */
  controlChannel(conversationId: string): string {
    return this.redis.conversationKey(conversationId, 'control');
  }

  change(conversationId: string, delta: number): void {
    const count = Math.max(0, (this.local.get(conversationId) ?? 0) + delta);
    this.local.set(conversationId, count);
    void this.write(conversationId);
  }

  async total(conversationId: string): Promise<number> {
    return (await READ_PRESENCE.run(
      this.redis.command,
      [this.key(conversationId)],
      [],
    )) as number;
  }

  /** Removes this instance's counts at once rather than letting them expire. */
  async close(): Promise<void> {
    clearInterval(this.refresher);
    this.restored.unsubscribe();
    for (const conversationId of this.local.keys())
      this.local.set(conversationId, 0);
    await Promise.all(
      [...this.local.keys()].map((conversationId) =>
        this.write(conversationId),
      ),
    );
  }

  private refreshAll(): void {
    for (const conversationId of this.local.keys())
      void this.write(conversationId);
  }

  private async write(conversationId: string): Promise<void> {
    const count = this.local.get(conversationId) ?? 0;
    try {
      await SET_PRESENCE.run(
        this.redis.command,
        [this.key(conversationId)],
        [
          this.options.instanceId,
          count,
          this.options.ttlMs,
          this.controlChannel(conversationId),
          this.redis.publishCommand,
        ],
      );
      if (count === 0 && this.local.get(conversationId) === 0)
        this.local.delete(conversationId);
    } catch {
      // Redis is unreachable: the refresh timer writes the count again.
    }
  }

  private key(conversationId: string): string {
    return this.redis.conversationKey(conversationId, 'presence');
  }
}
