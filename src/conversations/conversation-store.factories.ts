import type { ByteBudget } from '../common/memory/byte-budget.js';
import type { Env } from '../config/settings.js';
import type { StateBackend } from '../config/state-backend.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import type { ConversationStore } from './conversation-store.js';
import { MemoryConversationStore } from './memory/memory-conversation-store.js';
import { RedisConversationStore } from './redis/redis-conversation-store.js';

export interface StoreFactoryContext {
  env: Env;
  redis: RedisConnector;
  budget: ByteBudget;
}

/**
 * The conversation store for each state backend (`EVENT_BUS`): instances that share
 * events through Redis share history there too.
 */
export const CONVERSATION_STORE_FACTORIES: Record<
  StateBackend,
  (ctx: StoreFactoryContext) => ConversationStore | Promise<ConversationStore>
> = {
  memory: ({ env, budget }) =>
    new MemoryConversationStore({
      maxConversations: env.MAX_CONVERSATIONS,
      maxTurns: env.MAX_HISTORY_MESSAGES,
      budget,
    }),
  redis: async ({ env, redis }) =>
    new RedisConversationStore(await redis.connections(), {
      maxTurns: env.MAX_HISTORY_MESSAGES,
      ttlMs: env.REDIS_CONVERSATION_TTL_S * 1000,
    }),
};
