import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { ByteBudget } from '../common/memory/byte-budget.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { ConversationStore } from './conversation-store.js';
import { CONVERSATION_STORE_FACTORIES } from './conversation-store.factories.js';

@Global()
@Module({
  providers: [
    {
      // One budget for the in-memory store and the in-memory bus's replay.
      provide: ByteBudget,
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        new ByteBudget(
          config.get('MEMORY_BUDGET_MB', { infer: true }) * 1024 * 1024,
        ),
    },
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
  exports: [ConversationStore, ByteBudget],
})
export class ConversationsModule {}
