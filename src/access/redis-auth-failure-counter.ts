import { Logger } from '@nestjs/common';
import { LuaScript } from '../redis/lua-script.js';
import type { RedisConnections } from '../redis/redis-connections.js';
import {
  AuthFailureCounter,
  type AuthFailureWindow,
} from './auth-failure-counter.js';
import { MemoryAuthFailureCounter } from './memory-auth-failure-counter.js';

/**
 * Counts a failure in a fixed window that starts with the first failure.
 * KEYS: the address's counter. ARGV: window ms, then 1 to count or 0 to read.
 * Returns { failures, ms until the window ends }.
 */
const FAILURES = new LuaScript(`
local failures
if ARGV[2] == '1' then
  failures = redis.call('INCR', KEYS[1])
  if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
else
  failures = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return { failures, ttl }
`);

/**
 * Failed authentications of every instance counted together (EVENT_BUS=redis),
 * so that guessing keys against N instances is limited as against one.
 * While Redis is unreachable each instance counts on its own, as the rate
 * limits do (RedisThrottlerStorage), and Redis counts again once it answers.
 */
export class RedisAuthFailureCounter extends AuthFailureCounter {
  private readonly logger = new Logger('AuthFailures');
  private readonly local: MemoryAuthFailureCounter;
  private degraded = false;

  constructor(
    private readonly redis: RedisConnections,
    private readonly windowMs: number,
  ) {
    super();
    this.local = new MemoryAuthFailureCounter(windowMs);
  }

  recordFailure(address: string): Promise<AuthFailureWindow> {
    return this.count(address, true);
  }

  current(address: string): Promise<AuthFailureWindow> {
    return this.count(address, false);
  }

  private async count(
    address: string,
    record: boolean,
  ): Promise<AuthFailureWindow> {
    let reply: [number, number];
    try {
      reply = (await FAILURES.run(
        this.redis.command,
        [this.redis.key('auth-failures', address)],
        [this.windowMs, record ? 1 : 0],
      )) as [number, number];
    } catch (error) {
      if (!this.degraded)
        this.logger.warn(
          `Failed authentications count per instance while Redis is unreachable: ${String(error)}`,
        );
      this.degraded = true;
      return record
        ? this.local.recordFailure(address)
        : this.local.current(address);
    }
    if (this.degraded)
      this.logger.log('Failed authentications count in Redis again');
    this.degraded = false;
    const [failures, resetInMs] = reply;
    return { failures, resetInMs };
  }
}
