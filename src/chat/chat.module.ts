import { Module } from '@nestjs/common';
import { BusModule } from '../bus/bus.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import { fromEnv, settingsProvider } from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { StreamingModule } from '../streaming/streaming.module.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { CHAT_SETTINGS, chatSettings } from './chat.settings.js';
import { ConversationAccess } from './conversation-access.service.js';
import { GenerationRunner } from './generation-runner.service.js';
import { EventStreamService } from './sse/event-stream.service.js';
import { GENERATION_LEASES_FACTORIES } from './generation-leases/generation-leases.factories.js';
import { GenerationLeases } from './generation-leases/generation-leases.js';
import { StreamRegistryModule } from '../streaming/slots/stream-registry.module.js';

@Module({
  imports: [
    StreamingModule,
    RequestPolicyModule,
    LlmModule,
    BusModule,
    ConversationsModule,
    StreamRegistryModule,
    LifecycleModule,
    MetricsModule,
    RedisModule,
  ],
  controllers: [ChatController],
  providers: [
    settingsProvider(CHAT_SETTINGS, chatSettings),
    ChatService,
    ConversationAccess,
    GenerationRunner,
    EventStreamService,
    fromEnv(GenerationLeases, [RedisConnector], (env, redis: RedisConnector) =>
      GENERATION_LEASES_FACTORIES[stateBackend(env)](env, redis),
    ),
  ],
})
export class ChatModule {}
