import { Module } from '@nestjs/common';
import { ConversationAccess } from '../../chat/conversation-access.service.js';
import { StreamRegistryModule } from '../../streaming/slots/stream-registry.module.js';
import { LifecycleModule } from '../../common/lifecycle/lifecycle.module.js';
import {
  JSON_BUDGET,
  jsonBudget,
} from '../../common/validation/json-budget.settings.js';
import { settingsProvider } from '../../config/settings.js';
import { ConversationsModule } from '../../conversations/conversations.module.js';
import { RequestPolicyModule } from '../../request-policy/request-policy.module.js';
import { StreamingModule } from '../../streaming/index.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';
import { RESPONSES_SETTINGS, responsesSettings } from './responses.settings.js';
import { StoredResponses } from './stored-responses.js';

/** `/v1/responses`: OpenAI's Responses API, a format over the streaming core. */
@Module({
  imports: [
    StreamingModule,
    StreamRegistryModule,
    RequestPolicyModule,
    ConversationsModule,
    LifecycleModule,
  ],
  controllers: [ResponsesController],
  providers: [
    settingsProvider(RESPONSES_SETTINGS, responsesSettings),
    settingsProvider(JSON_BUDGET, jsonBudget),
    ConversationAccess,
    StoredResponses,
    ResponsesService,
  ],
})
export class ResponsesModule {}
