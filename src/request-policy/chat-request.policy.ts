import { Inject, Injectable } from '@nestjs/common';
import { ModelCatalogue } from '../llm/catalogue/model-catalogue.js';
import type { LlmRequest } from '../llm/llm.types.js';
import type { GenerationOptionsDto } from './dto/generation-options.dto.js';
import { toGenerationOptions } from './generation-options.js';
import type { IncomingMessage } from './incoming-message.js';
import {
  checkMessageCount,
  checkMessages,
  type MessageLimits,
} from './message-rules.js';
import {
  REQUEST_POLICY_SETTINGS,
  type RequestPolicySettings,
} from './request-policy.settings.js';

/**
 * The one request policy of `POST /server/send` and `POST
 * /v1/chat/completions`: the conversation rules and limits, the parameters
 * the configured provider takes (`PARAMETER_FATES`), and the system prompt.
 * The model is resolved here too (unknown: 404 `model_not_found`), and a
 * parameter is refused unless every provider that may serve the request
 * takes it — the model's deployments and its fallbacks' — so a fallback
 * never silently drops what the client asked for.
 * Both routes get the same checks, rule names and messages; each route's
 * DTO only checks the shape of its own body.
 */
@Injectable()
export class ChatRequestPolicy {
  private readonly limits: MessageLimits;
  private readonly systemPrompt?: string;

  constructor(
    @Inject(REQUEST_POLICY_SETTINGS) settings: RequestPolicySettings,
    private readonly catalogue: ModelCatalogue,
  ) {
    this.limits = {
      maxMessages: settings.maxMessages,
      maxMessageChars: settings.maxMessageChars,
    };
    this.systemPrompt = settings.systemPrompt;
  }

  /** The model request for a posted conversation and its options; throws 400s (404 for the model). */
  prepare(
    posted: IncomingMessage[],
    options: GenerationOptionsDto,
    choice: {
      model?: string;
      anyNameMeansDefault?: boolean;
      /** The posted messages continue a stored history (see `checkMessages`). */
      continuesHistory?: boolean;
    } = {},
  ): LlmRequest {
    const model = this.catalogue.resolve(choice.model, choice);
    const { system, messages } = checkMessages(posted, this.limits, choice);
    const [first, ...others] = this.catalogue.providersFor(model);
    const generation = toGenerationOptions(options, first);
    for (const provider of others) toGenerationOptions(options, provider);
    const prompts = this.systemPrompt ? [this.systemPrompt, ...system] : system;
    return {
      ...generation,
      model,
      messages,
      ...(prompts.length > 0 ? { system: prompts.join('\n\n') } : {}),
    };
  }

  /** The count rule for a stored history with the new turns. */
  checkCount(count: number): void {
    checkMessageCount(count, this.limits.maxMessages);
  }
}
