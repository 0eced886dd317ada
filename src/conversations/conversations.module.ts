import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { ConversationStore } from './conversation-store.js';
import { MemoryConversationStore } from './memory/memory-conversation-store.js';

@Global()
@Module({
  providers: [
    {
      provide: ConversationStore,
      inject: [ConfigService],
      useFactory: (config: AppConfig): ConversationStore =>
        new MemoryConversationStore({
          maxConversations: config.get('MAX_CONVERSATIONS', { infer: true }),
          maxTurns: config.get('MAX_HISTORY_MESSAGES', { infer: true }),
        }),
    },
  ],
  exports: [ConversationStore],
})
export class ConversationsModule {}
