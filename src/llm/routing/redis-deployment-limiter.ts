import { LuaScript } from '../../redis/lua-script.js';
import type { RedisConnections } from '../../redis/redis-connections.js';
import {
  DeploymentLimiter,
  hasLimits,
  QUOTA_WINDOW_MS,
  UNLIMITED,
  type QuotaDecision,
  type QuotaLimit,
  type QuotaSubject,
} from './deployment-limiter.js';

/**
 * Checks and counts one call in one step. One hash per deployment (fields
 * w: window, r: requests, t: tokens, c: running), so the script touches a
 * single key. KEYS: the hash. ARGV: now, window ms, rpm, tpm, max
 * concurrency (0: none), tokens, key TTL ms. Returns {1} or {0, limit, retry ms}.
 */
const ACQUIRE = new LuaScript(`
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local rpm, tpm, maxc = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
local window = math.floor(now / windowMs)
if tonumber(redis.call('HGET', KEYS[1], 'w') or -1) ~= window then
  redis.call('HSET', KEYS[1], 'w', window, 'r', 0, 't', 0)
end
local r = tonumber(redis.call('HGET', KEYS[1], 'r') or 0)
local t = tonumber(redis.call('HGET', KEYS[1], 't') or 0)
local c = tonumber(redis.call('HGET', KEYS[1], 'c') or 0)
local untilNext = (window + 1) * windowMs - now
if rpm > 0 and r + 1 > rpm then return {0, 'rpm', untilNext} end
if tpm > 0 and t > 0 and t + tokens > tpm then return {0, 'tpm', untilNext} end
if maxc > 0 and c + 1 > maxc then return {0, 'concurrency', 1000} end
redis.call('HINCRBY', KEYS[1], 'r', 1)
redis.call('HINCRBY', KEYS[1], 't', tokens)
redis.call('HINCRBY', KEYS[1], 'c', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {1}
`);

/**
 * Ends one call. KEYS: the hash. ARGV: the call's window, tokens to add
 * (actual minus estimate; counted only in the same window).
 */
const RELEASE = new LuaScript(`
if tonumber(redis.call('HGET', KEYS[1], 'c') or 0) > 0 then
  redis.call('HINCRBY', KEYS[1], 'c', -1)
end
if tonumber(redis.call('HGET', KEYS[1], 'w') or -1) == tonumber(ARGV[1]) then
  local t = tonumber(redis.call('HGET', KEYS[1], 't') or 0) + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 't', math.max(0, t))
end
return 1
`);

/**
 * Running calls of an instance that died are never released; the hash
 * expires after this long without calls, which bounds that leak.
 */
const KEY_TTL_MS = 5 * QUOTA_WINDOW_MS;

/** Limits shared by every instance through Redis (EVENT_BUS=redis). */
export class RedisDeploymentLimiter extends DeploymentLimiter {
  constructor(
    private readonly redis: RedisConnections,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async acquire(
    deployment: QuotaSubject,
    tokens: number,
  ): Promise<QuotaDecision> {
    if (!hasLimits(deployment)) return UNLIMITED;
    // One key per deployment: each script touches one key, so one cluster slot.
    const key = this.redis.key('quota', deployment.name);
    const now = this.now();
    const { rpm, tpm, maxConcurrency } = deployment.limits;
    const reply = (await ACQUIRE.run(
      this.redis.command,
      [key],
      [
        now,
        QUOTA_WINDOW_MS,
        rpm ?? 0,
        tpm ?? 0,
        maxConcurrency ?? 0,
        tokens,
        KEY_TTL_MS,
      ],
    )) as [number, QuotaLimit?, number?];
    if (reply[0] !== 1) {
      return { granted: false, limit: reply[1]!, retryAfterMs: reply[2]! };
    }
    const window = Math.floor(now / QUOTA_WINDOW_MS);
    let released = false;
    return {
      granted: true,
      lease: {
        release: async (tokensUsed) => {
          if (released) return;
          released = true;
          const extra = tokensUsed === undefined ? 0 : tokensUsed - tokens;
          // Unreleased, the slot lapses with the key (KEY_TTL_MS).
          await RELEASE.run(this.redis.command, [key], [window, extra]).catch(
            () => undefined,
          );
        },
      },
    };
  }
}
