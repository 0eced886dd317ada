import { Module } from '@nestjs/common';
import { StreamRegistryModule } from '../streaming/slots/stream-registry.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { StreamingModule } from '../streaming/streaming.module.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { OpenAiApiController } from './openai-api.controller.js';

/** `/v1`: the OpenAI-compatible API (chat completions, models), a format over the streaming core. */
@Module({
  imports: [
    StreamingModule,
    StreamRegistryModule,
    RequestPolicyModule,
    LlmModule,
    LifecycleModule,
  ],
  controllers: [OpenAiApiController],
  providers: [ChatCompletionsService],
})
export class OpenAiApiModule {}
