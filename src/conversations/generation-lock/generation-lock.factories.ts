import type { ByteBudget } from '../../common/memory/byte-budget.js';
import type { StateBackend } from '../../config/state-backend.js';
import type { RedisConnector } from '../../redis/redis-connector.js';
import type { GenerationLock } from './generation-lock.js';
import { MemoryGenerationLock } from './memory-generation-lock.js';
import { RedisGenerationLock } from './redis-generation-lock.js';

export interface GenerationLockFactoryContext {
  redis: RedisConnector;
  budget: ByteBudget;
}

/** Where each state backend (`EVENT_BUS`) keeps the one-reply-at-a-time lock of a conversation. */
export const GENERATION_LOCK_FACTORIES: Record<
  StateBackend,
  (
    ctx: GenerationLockFactoryContext,
  ) => GenerationLock | Promise<GenerationLock>
> = {
  memory: ({ budget }) => new MemoryGenerationLock(budget),
  redis: async ({ redis }) =>
    new RedisGenerationLock(await redis.connections()),
};
