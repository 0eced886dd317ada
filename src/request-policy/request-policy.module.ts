import { Module } from '@nestjs/common';
import { ChatRequestPolicy } from './chat-request.policy.js';

@Module({
  providers: [ChatRequestPolicy],
  exports: [ChatRequestPolicy],
})
export class RequestPolicyModule {}
