import type { StateBackend } from '../config/state-backend.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import type { AuthFailureCounter } from './auth-failure-counter.js';
import { MemoryAuthFailureCounter } from './memory-auth-failure-counter.js';
import { RedisAuthFailureCounter } from './redis-auth-failure-counter.js';

/**
 * Where each state backend (`EVENT_BUS`) counts failed authentications: in this
 * process, or in Redis where every instance counts together.
 */
export const AUTH_FAILURE_COUNTER_FACTORIES: Record<
  StateBackend,
  (redis: RedisConnector, windowMs: number) => Promise<AuthFailureCounter>
> = {
  memory: (_redis, windowMs) =>
    Promise.resolve(new MemoryAuthFailureCounter(windowMs)),
  redis: async (redis, windowMs) =>
    new RedisAuthFailureCounter(await redis.connections(), windowMs),
};
