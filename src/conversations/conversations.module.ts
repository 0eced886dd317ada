import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { ByteBudget } from '../common/memory/byte-budget.js';
import { MemoryBudgetModule } from '../common/memory/memory-budget.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { ConversationStore } from './conversation-store.js';
import { CONVERSATION_STORE_FACTORIES } from './conversation-store.factories.js';

@Module({
  imports: [RedisModule, MemoryBudgetModule],
  providers: [
    {
      provide: ConversationStore,
      inject: [ConfigService, RedisConnector, ByteBudget],
      useFactory: (
        config: AppConfig,
        redis: RedisConnector,
        budget: ByteBudget,
      ): ConversationStore | Promise<ConversationStore> =>
        CONVERSATION_STORE_FACTORIES[config.get('EVENT_BUS', { infer: true })]({
          config,
          redis,
          budget,
        }),
    },
  ],
  exports: [ConversationStore],
})
export class ConversationsModule {}
