import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { ChatShutdown } from './chat-shutdown.service.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { ConversationAccess } from './conversation-access.service.js';
import { GenerationRunner } from './generation-runner.service.js';
import { EventStreamService } from './sse/event-stream.service.js';
import { GENERATION_LEASES_FACTORIES } from './generation-leases/generation-leases.factories.js';
import { GenerationLeases } from './generation-leases/generation-leases.js';
import { GlobalStreamCounts } from './sse/stream-counts/global-stream-counts.js';
import { STREAM_COUNTS_FACTORIES } from './sse/stream-counts/stream-counts.factories.js';
import { StreamRegistry } from './sse/stream-registry.js';

@Module({
  imports: [RequestPolicyModule],
  controllers: [ChatController],
  providers: [
    ChatService,
    ConversationAccess,
    ChatShutdown,
    GenerationRunner,
    EventStreamService,
    StreamRegistry,
    {
      provide: GenerationLeases,
      inject: [ConfigService, RedisConnector],
      useFactory: (config: AppConfig, redis: RedisConnector) =>
        GENERATION_LEASES_FACTORIES[config.get('EVENT_BUS', { infer: true })](
          config,
          redis,
        ),
    },
    {
      provide: GlobalStreamCounts,
      inject: [ConfigService, RedisConnector],
      useFactory: (config: AppConfig, redis: RedisConnector) =>
        STREAM_COUNTS_FACTORIES[config.get('EVENT_BUS', { infer: true })](
          config,
          redis,
        ),
    },
  ],
  exports: [GenerationRunner, StreamRegistry, EventStreamService],
})
export class ChatModule {}
