import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module.js';
import { settingsProvider } from '../config/settings.js';
import { ChatRequestPolicy } from './chat-request.policy.js';
import {
  REQUEST_POLICY_SETTINGS,
  requestPolicySettings,
} from './request-policy.settings.js';

@Module({
  imports: [LlmModule],
  providers: [
    settingsProvider(REQUEST_POLICY_SETTINGS, requestPolicySettings),
    ChatRequestPolicy,
  ],
  exports: [ChatRequestPolicy],
})
export class RequestPolicyModule {}
