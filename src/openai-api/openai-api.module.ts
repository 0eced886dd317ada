import { Module } from '@nestjs/common';
import { StreamRegistryModule } from '../chat/stream-registry.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import { settingsProvider } from '../config/settings.js';
import { KeysModule } from '../keys/keys.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { OpenAiApiController } from './openai-api.controller.js';
import {
  OPENAI_API_SETTINGS,
  openAiApiSettings,
} from './openai-api.settings.js';

/** `/v1`: the OpenAI-compatible API (chat completions, models). */
@Module({
  imports: [
    StreamRegistryModule,
    RequestPolicyModule,
    LlmModule,
    LifecycleModule,
    KeysModule,
  ],
  controllers: [OpenAiApiController],
  providers: [
    settingsProvider(OPENAI_API_SETTINGS, openAiApiSettings),
    ChatCompletionsService,
  ],
})
export class OpenAiApiModule {}
