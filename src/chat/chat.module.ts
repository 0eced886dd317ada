import { Module } from '@nestjs/common';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { ChatShutdown } from './chat-shutdown.service.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { ConversationAccess } from './conversation-access.service.js';
import { GenerationRunner } from './generation-runner.service.js';
import { EventStreamService } from './sse/event-stream.service.js';
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
  ],
  exports: [GenerationRunner, StreamRegistry, EventStreamService],
})
export class ChatModule {}
