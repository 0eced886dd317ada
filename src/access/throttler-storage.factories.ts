import type { ThrottlerStorage } from '@nestjs/throttler';
import type { StateBackend } from '../config/state-backend.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import { MemoryThrottlerStorage } from './memory-throttler-storage.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';

/**
 * Where each state backend (`EVENT_BUS`) counts rate limits: in memory (one
 * process), counting as `@nestjs/throttler`'s own storage does; instances
 * that share state through Redis count there, so that the limits are global.
 */
export const THROTTLER_STORAGE_FACTORIES: Record<
  StateBackend,
  (redis: RedisConnector) => Promise<ThrottlerStorage | undefined>
> = {
  memory: () => Promise.resolve(new MemoryThrottlerStorage()),
  redis: async (redis) => new RedisThrottlerStorage(await redis.connections()),
};
