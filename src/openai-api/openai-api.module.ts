import { Module } from '@nestjs/common';
import { StreamRegistryModule } from '../streaming/slots/stream-registry.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import {
  JSON_BUDGET,
  jsonBudget,
} from '../common/validation/json-budget.settings.js';
import { settingsProvider } from '../config/settings.js';
import { KeysModule } from '../keys/keys.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { StreamingModule } from '../streaming/streaming.module.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { OpenAiApiController } from './openai-api.controller.js';
import { ResponsesModule } from './responses/responses.module.js';

/** `/v1`: the OpenAI-compatible API (chat completions, responses, models), formats over the streaming core. */
@Module({
  imports: [
    StreamingModule,
    StreamRegistryModule,
    RequestPolicyModule,
    LlmModule,
    LifecycleModule,
    ResponsesModule,
    KeysModule,
  ],
  controllers: [OpenAiApiController],
  providers: [
    settingsProvider(JSON_BUDGET, jsonBudget),
    ChatCompletionsService,
  ],
})
export class OpenAiApiModule {}
