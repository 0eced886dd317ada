import type { ByteBudget } from '../common/memory/byte-budget.js';
import type { Env } from '../config/settings.js';
import type { EventBusName } from '../config/env.schema.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import type { ChatEventBus } from './chat-event-bus.js';
import { MemoryChatEventBus } from './memory/memory-chat-event-bus.js';
import { RedisChatEventBus } from './redis/redis-chat-event-bus.js';

export interface BusFactoryContext {
  env: Env;
  redis: RedisConnector;
  budget: ByteBudget;
}

/** How each `EVENT_BUS` value is built: adding a bus is adding a row. */
export const EVENT_BUS_FACTORIES: Record<
  EventBusName,
  (ctx: BusFactoryContext) => ChatEventBus | Promise<ChatEventBus>
> = {
  memory: ({ env, budget }) =>
    new MemoryChatEventBus({
      replaySize: env.REPLAY_BUFFER_SIZE,
      replayTtlMs: env.REPLAY_BUFFER_TTL_MS,
      budget,
    }),
  redis: async ({ env, redis }) =>
    new RedisChatEventBus(await redis.connections(), {
      replaySize: env.REPLAY_BUFFER_SIZE,
      replayTtlMs: env.REPLAY_BUFFER_TTL_MS,
      presenceTtlMs: env.REDIS_PRESENCE_TTL_MS,
    }),
};
