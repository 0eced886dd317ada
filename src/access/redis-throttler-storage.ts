import { Logger } from '@nestjs/common';
import {
  ThrottlerStorageService,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import { LuaScript } from '../redis/lua-script.js';
import type { RedisConnections } from '../redis/redis-connections.js';

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/**
 * A sliding window, as the in-memory storage counts: a sorted set of the
 * hits of the last `ttl` ms, scored by Redis's clock (instances whose clocks
 * disagree still agree). A hit past the limit is refused and not recorded;
 * it may retry once the oldest hit leaves the window.
 *
 * KEYS: hits. ARGV: ttl ms, limit, a unique hit id.
 * Returns { hits including this one, refused (0/1), ms until a slot frees }.
 */
const HIT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return { count + 1, 1, tonumber(oldest[2]) + ttl - now }
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
return { count + 1, 0, 0 }
`);

/**
 * The rate limits of all instances counted in one place (EVENT_BUS=redis):
 * a client spread over N instances gets RATE_LIMIT_MAX in all, not N times
 * it. While Redis is unreachable each instance counts on its own (the limit
 * holds per instance, N times overall) rather than refusing everyone or
 * nobody, and Redis counts again as soon as it answers.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new ThrottlerStorageService();
  private degraded = false;

  constructor(private readonly redis: RedisConnections) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    let reply: [number, number, number];
    try {
      reply = (await HIT.run(
        this.redis.command,
        [this.redis.key('rate', key)],
        [ttl, limit, randomUUID()],
      )) as [number, number, number];
    } catch (error) {
      if (!this.degraded)
        this.logger.warn(
          `Rate limits count per instance while Redis is unreachable: ${String(error)}`,
        );
      this.degraded = true;
      return this.local.increment(
        key,
        ttl,
        limit,
        blockDuration,
        throttlerName,
      );
    }
    if (this.degraded) this.logger.log('Rate limits count in Redis again');
    this.degraded = false;
    const [totalHits, refused, retryMs] = reply;
    return {
      totalHits,
      timeToExpire: Math.ceil(ttl / 1000),
      isBlocked: refused === 1,
      timeToBlockExpire:
        refused === 1 ? Math.max(1, Math.ceil(retryMs / 1000)) : 0,
    };
  }
}
