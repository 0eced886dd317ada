import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ByteBudget } from '../common/memory/byte-budget.js';
import { MemoryBudgetModule } from '../common/memory/memory-budget.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { fromEnv } from '../config/settings.js';
import { ChatEventBus } from './chat-event-bus.js';
import { EVENT_BUS_FACTORIES } from './event-bus.factories.js';

@Module({
  imports: [RedisModule, MemoryBudgetModule],
  providers: [
    fromEnv(
      ChatEventBus,
      [RedisConnector, ByteBudget],
      (
        env,
        redis: RedisConnector,
        budget: ByteBudget,
      ): ChatEventBus | Promise<ChatEventBus> =>
        EVENT_BUS_FACTORIES[env.EVENT_BUS]({ env, redis, budget }),
    ),
  ],
  exports: [ChatEventBus],
})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(ChatEventBus) private readonly bus: ChatEventBus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}
