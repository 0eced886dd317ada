import type { ByteBudget } from '../common/memory/byte-budget.js';
import type { AppConfig } from '../config/app-config.service.js';
import type { EventBusName } from '../config/env.schema.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import type { ConversationStore } from './conversation-store.js';
import { MemoryConversationStore } from './memory/memory-conversation-store.js';
import { RedisConversationStore } from './redis/redis-conversation-store.js';

export interface StoreFactoryContext {
  config: AppConfig;
  redis: RedisConnector;
  budget: ByteBudget;
}

/**
 * The conversation store for each `EVENT_BUS` value: instances that share
 * events through Redis share history there too.
 */
export const CONVERSATION_STORE_FACTORIES: Record<
  EventBusName,
  (ctx: StoreFactoryContext) => ConversationStore | Promise<ConversationStore>
> = {
  memory: ({ config, budget }) =>
    new MemoryConversationStore({
      maxConversations: config.get('MAX_CONVERSATIONS', { infer: true }),
      maxTurns: config.get('MAX_HISTORY_MESSAGES', { infer: true }),
      budget,
    }),
  redis: async ({ config, redis }) =>
    new RedisConversationStore(await redis.connections(), {
      maxTurns: config.get('MAX_HISTORY_MESSAGES', { infer: true }),
      ttlMs: config.get('REDIS_CONVERSATION_TTL_S', { infer: true }) * 1000,
    }),
};
