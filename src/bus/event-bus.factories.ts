import type { ByteBudget } from '../common/memory/byte-budget.js';
import type { AppConfig } from '../config/app-config.service.js';
import type { EventBusName } from '../config/env.schema.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import type { ChatEventBus } from './chat-event-bus.js';
import { MemoryChatEventBus } from './memory/memory-chat-event-bus.js';
import { RedisChatEventBus } from './redis/redis-chat-event-bus.js';

export interface BusFactoryContext {
  config: AppConfig;
  redis: RedisConnector;
  budget: ByteBudget;
}

/** How each `EVENT_BUS` value is built: adding a bus is adding a row. */
export const EVENT_BUS_FACTORIES: Record<
  EventBusName,
  (ctx: BusFactoryContext) => ChatEventBus | Promise<ChatEventBus>
> = {
  memory: ({ config, budget }) =>
    new MemoryChatEventBus({
      replaySize: config.get('REPLAY_BUFFER_SIZE', { infer: true }),
      replayTtlMs: config.get('REPLAY_BUFFER_TTL_MS', { infer: true }),
      budget,
    }),
  redis: async ({ config, redis }) =>
    new RedisChatEventBus(await redis.connections(), {
      replaySize: config.get('REPLAY_BUFFER_SIZE', { infer: true }),
      replayTtlMs: config.get('REPLAY_BUFFER_TTL_MS', { infer: true }),
      presenceTtlMs: config.get('REDIS_PRESENCE_TTL_MS', { infer: true }),
    }),
};
