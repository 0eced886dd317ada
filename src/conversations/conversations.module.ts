import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { ConversationStore } from './conversation-store.js';
import { CONVERSATION_STORE_FACTORIES } from './conversation-store.factories.js';

@Global()
@Module({
  providers: [
    {
      provide: ConversationStore,
      inject: [ConfigService, RedisConnector],
      useFactory: (
        config: AppConfig,
        redis: RedisConnector,
      ): ConversationStore | Promise<ConversationStore> =>
        CONVERSATION_STORE_FACTORIES[config.get('EVENT_BUS', { infer: true })]({
          config,
          redis,
        }),
    },
  ],
  exports: [ConversationStore],
})
export class ConversationsModule {}
