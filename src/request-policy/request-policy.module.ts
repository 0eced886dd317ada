import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module.js';
import { ChatRequestPolicy } from './chat-request.policy.js';

@Module({
  imports: [LlmModule],
  providers: [ChatRequestPolicy],
  exports: [ChatRequestPolicy],
})
export class RequestPolicyModule {}
