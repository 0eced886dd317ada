import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { RequestPolicyModule } from '../request-policy/request-policy.module.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { OpenAiApiController } from './openai-api.controller.js';

/** `/v1`: the OpenAI-compatible API (chat completions, models). */
@Module({
  imports: [ChatModule, RequestPolicyModule],
  controllers: [OpenAiApiController],
  providers: [ChatCompletionsService],
})
export class OpenAiApiModule {}
