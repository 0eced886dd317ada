import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import type { LlmProviderName } from '../config/env.schema.js';
import type { LlmRequest } from '../llm/llm.types.js';
import type { GenerationOptionsDto } from './dto/generation-options.dto.js';
import { toGenerationOptions } from './generation-options.js';
import type { IncomingMessage } from './incoming-message.js';
import {
  checkMessageCount,
  checkMessages,
  type MessageLimits,
} from './message-rules.js';

/**
 * The one request policy of `POST /server/send` and `POST
 * /v1/chat/completions`: the conversation rules and limits, the parameters
 * the configured provider takes (`PARAMETER_FATES`), and the system prompt.
 * Both routes get the same checks, rule names and messages; each route's
 * DTO only checks the shape of its own body.
 */
@Injectable()
export class ChatRequestPolicy {
  private readonly limits: MessageLimits;
  private readonly provider: LlmProviderName;
  private readonly systemPrompt?: string;

  constructor(@Inject(ConfigService) config: AppConfig) {
    this.limits = {
      maxMessages: config.get('MAX_HISTORY_MESSAGES', { infer: true }),
      maxMessageChars: config.get('MAX_MESSAGE_CHARS', { infer: true }),
    };
    this.provider = config.get('LLM_PROVIDER', { infer: true });
    this.systemPrompt = config.get('SYSTEM_PROMPT', { infer: true });
  }

  /** The model request for a posted conversation and its options; throws 400s. */
  prepare(
    posted: IncomingMessage[],
    options: GenerationOptionsDto,
  ): LlmRequest {
    const { system, messages } = checkMessages(posted, this.limits);
    const generation = toGenerationOptions(options, this.provider);
    const prompts = this.systemPrompt ? [this.systemPrompt, ...system] : system;
    return {
      ...generation,
      messages,
      ...(prompts.length > 0 ? { system: prompts.join('\n\n') } : {}),
    };
  }

  /** The count rule for a stored history with the new turns. */
  checkCount(count: number): void {
    checkMessageCount(count, this.limits.maxMessages);
  }
}
