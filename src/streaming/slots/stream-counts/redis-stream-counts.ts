import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { INSTANCE_COUNTS_LUA } from '../../../redis/instance-counts.lua.js';
import { LuaScript } from '../../../redis/lua-script.js';
import type { RedisConnections } from '../../../redis/redis-connections.js';
import { GlobalStreamCounts } from './global-stream-counts.js';

/**
 * Sets this instance's count to `proposed` unless, with the other live
 * instances' counts, that passes the limit. `proposed` counts this
 * instance's takes still in flight too, so overlapping takes never overshoot.
 *
 * KEYS: the client's hash. ARGV: instance id, proposed count, limit, ttl ms.
 * Returns { taken (0/1), the streams open across instances before }.
 */
const TAKE = new LuaScript(`${INSTANCE_COUNTS_LUA}
local total = live_total()
local mine = tonumber(string.match(redis.call('HGET', KEYS[1], ARGV[1]) or '', '^(%d+):') or '0')
local proposed = tonumber(ARGV[2])
local others = total - mine
if others + proposed > tonumber(ARGV[3]) then
  return { 0, total }
end
write_count(ARGV[1], proposed, tonumber(ARGV[4]))
return { 1, total }
`);

/** KEYS: the client's hash. ARGV: instance id, count, ttl ms. */
const WRITE = new LuaScript(`${INSTANCE_COUNTS_LUA}
write_count(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return 1
`);

export interface RedisStreamCountsOptions {
  /** How long the streams of an instance that died keep counting (ms). */
  ttlMs: number;
  instanceId?: string;
}

/**
 * Streams per client counted in Redis: one hash per client, with this
 * instance's count as a field that lapses unless refreshed (so the streams
 * of an instance that died stop counting after `ttlMs`). This instance's
 * own count is authoritative and written whole, so that a lost write or a
 * Redis restart is repaired by the next refresh.
 *
 * While Redis is unreachable streams are allowed by this instance's own
 * per-process limit only, and counted in Redis again once it answers: the
 * bus refuses new live events then anyway.
 */
export class RedisStreamCounts extends GlobalStreamCounts {
  private readonly logger = new Logger('StreamLimits');
  private readonly local = new Map<string, number>();
  private readonly instanceId: string;
  private readonly refresher: NodeJS.Timeout;
  private degraded = false;

  constructor(
    private readonly redis: RedisConnections,
    private readonly options: RedisStreamCountsOptions,
  ) {
    super();
    this.instanceId = options.instanceId ?? randomUUID();
    this.refresher = setInterval(
      () => {
        for (const slot of this.local.keys()) void this.write(slot);
      },
      Math.max(100, Math.floor(options.ttlMs / 3)),
    );
    this.refresher.unref();
  }

  async take(slot: string, limit: number): Promise<number | undefined> {
    // Reserved before asking, so that concurrent takes propose growing counts.
    const proposed = (this.local.get(slot) ?? 0) + 1;
    this.local.set(slot, proposed);
    try {
      const [taken, open] = (await TAKE.run(
        this.redis.command,
        [this.key(slot)],
        [this.instanceId, proposed, limit, this.options.ttlMs],
      )) as [number, number];
      this.recovered();
      if (taken === 1) return undefined;
      this.give(slot);
      return open;
    } catch (error) {
      if (!this.degraded)
        this.logger.warn(
          `Stream limits count per instance while Redis is unreachable: ${String(error)}`,
        );
      this.degraded = true;
      return undefined;
    }
  }

  give(slot: string): void {
    const left = Math.max(0, (this.local.get(slot) ?? 0) - 1);
    this.local.set(slot, left);
    void this.write(slot);
  }

  /** Called by Nest at shutdown: the provider is this object. */
  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  private async write(slot: string): Promise<void> {
    const count = this.local.get(slot) ?? 0;
    try {
      await WRITE.run(
        this.redis.command,
        [this.key(slot)],
        [this.instanceId, count, this.options.ttlMs],
      );
      this.recovered();
      if (count === 0 && this.local.get(slot) === 0) this.local.delete(slot);
    } catch {
      // Unreachable: the refresh timer writes the count again.
    }
  }

  private recovered(): void {
    if (this.degraded) this.logger.log('Stream limits count in Redis again');
    this.degraded = false;
  }

  private key(slot: string): string {
    return this.redis.key('streams', slot);
  }
}
