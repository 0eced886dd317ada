import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientIdentity } from '../access/principal.js';
import { StreamRegistry } from '../chat/sse/stream-registry.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors, type FieldError } from '../common/errors/http-errors.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import type { AppConfig } from '../config/app-config.service.js';
import { LlmService } from '../llm/llm.service.js';
import type { ChatMessage, LlmRequest, LlmUsage } from '../llm/llm.types.js';
import { CompletionFormat } from './completion-format.js';
import { CompletionStream } from './completion-stream.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import type { ChatCompletionDto } from './dto/chat-completion.dto.js';
import { contentText } from './dto/is-message-content.decorator.js';
import { completionError, toOpenAiError } from './openai-errors.js';

/** A validated request, ready for the model. */
export interface PreparedCompletion {
  request: LlmRequest;
  includeUsage: boolean;
}

const SHUTDOWN = 'shutdown';

/**
 * OpenAI Chat Completions on top of `LlmService`, whichever provider is
 * configured. This path does not use the chat bus: the reply goes straight
 * to the one client that asked, and the call is aborted when that client
 * disconnects. At shutdown, running completions may finish until
 * SHUTDOWN_GRACE_MS after draining began; the rest end with a 503 error.
 */
@Injectable()
export class ChatCompletionsService
  implements OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ChatCompletionsService.name);
  private readonly inFlight = new Map<AbortController, Promise<unknown>>();
  private readonly maxMessageChars: number;
  private readonly maxMessages: number;
  private readonly graceMs: number;
  private readonly systemPrompt?: string;
  private drainStartedAt = 0;

  constructor(
    private readonly llm: LlmService,
    private readonly lifecycle: AppLifecycle,
    private readonly streams: StreamRegistry,
    @Inject(ConfigService) config: AppConfig,
  ) {
    this.maxMessageChars = config.get('MAX_MESSAGE_CHARS', { infer: true });
    this.maxMessages = config.get('MAX_HISTORY_MESSAGES', { infer: true });
    this.graceMs = config.get('SHUTDOWN_GRACE_MS', { infer: true });
    this.systemPrompt = config.get('SYSTEM_PROMPT', { infer: true });
  }

  /** Checks what the DTO cannot express and builds the model request; throws 400s. */
  prepare(dto: ChatCompletionRequestDto): PreparedCompletion {
    const fail = (field: string, rule: string, message: string): never => {
      throw HttpErrors.validation(`${field}: ${message}`, [
        { field, rule, message } satisfies FieldError,
      ]);
    };
    if (dto.stream_options && !dto.stream) {
      fail(
        'stream_options',
        'requiresStream',
        'stream_options is only allowed when stream is true',
      );
    }
    if (dto.messages.length > this.maxMessages) {
      fail(
        'messages',
        'arrayMaxSize',
        `at most ${this.maxMessages} messages are accepted (MAX_HISTORY_MESSAGES)`,
      );
    }
    const system: string[] = this.systemPrompt ? [this.systemPrompt] : [];
    const messages: ChatMessage[] = [];
    dto.messages.forEach((message, index) => {
      const text = contentText(message.content);
      if (text.length > this.maxMessageChars) {
        fail(
          `messages.${index}.content`,
          'maxLength',
          `content must be at most ${this.maxMessageChars} characters (MAX_MESSAGE_CHARS)`,
        );
      }
      if (message.role === 'system' || message.role === 'developer') {
        if (text) system.push(text);
      } else if (message.role === 'user' && !text) {
        fail(`messages.${index}.content`, 'isNotEmpty', 'content is empty');
      } else if (text || message.role === 'user') {
        messages.push({ role: message.role, content: text });
      }
    });
    if (messages.at(-1)?.role !== 'user') {
      fail(
        'messages',
        'endsWithUser',
        'the last non-system message must have role user',
      );
    }
    return {
      request: {
        messages,
        system: system.length > 0 ? system.join('\n\n') : undefined,
        userId: dto.user,
        temperature: dto.temperature,
        topP: dto.top_p,
        maxTokens: dto.max_completion_tokens ?? dto.max_tokens,
      },
      includeUsage: dto.stream_options?.include_usage === true,
    };
  }

  /** The whole reply as one `chat.completion`; errors are thrown with their `/v1` status. */
  complete(
    prepared: PreparedCompletion,
    clientGone: AbortSignal,
  ): Promise<ChatCompletionDto> {
    return this.track(clientGone, async (signal) => {
      const format = new CompletionFormat(this.llm.model);
      let text = '';
      let finishReason = 'stop';
      let usage: LlmUsage | undefined;
      try {
        for await (const chunk of this.llm.stream(prepared.request, signal)) {
          if (chunk.type === 'delta') text += chunk.text;
          else ({ finishReason, usage } = chunk);
        }
      } catch (error) {
        throw this.failure(error, signal);
      }
      return format.completion(text, finishReason, usage);
    });
  }

  /**
   * Streams the reply to `response` as `chat.completion.chunk` events. Counts
   * as one open stream of the client (MAX_STREAMS_PER_KEY). Errors before the
   * first chunk are thrown (an HTTP error status); later ones become an error
   * event that ends the stream.
   */
  stream(
    prepared: PreparedCompletion,
    client: ClientIdentity,
    response: Response,
    clientGone: AbortSignal,
  ): Promise<void> {
    return this.track(clientGone, async (signal) => {
      await this.streams.claimShared(client, response);
      const lease = this.streams.acquire(client);
      const format = new CompletionFormat(
        this.llm.model,
        prepared.includeUsage,
      );
      const out = new CompletionStream(response);
      let finishReason = 'stop';
      let usage: LlmUsage | undefined;
      try {
        for await (const chunk of this.llm.stream(prepared.request, signal)) {
          if (chunk.type === 'finish') {
            ({ finishReason, usage } = chunk);
            continue;
          }
          if (!out.started) await out.send(format.roleChunk());
          if (chunk.text) await out.send(format.contentChunk(chunk.text));
        }
        if (!out.started) await out.send(format.roleChunk());
        await out.send(format.finishChunk(finishReason));
        if (prepared.includeUsage) await out.send(format.usageChunk(usage));
        await out.done();
      } catch (raw) {
        const error = this.failure(raw, signal);
        if (!out.started) throw error;
        if (clientGone.aborted) {
          this.logger.log(
            'The client closed a streamed completion; the model call was cancelled.',
          );
          return;
        }
        await out.fail(toOpenAiError(error.toJSON()));
      } finally {
        lease.release();
      }
    });
  }

  onModuleDestroy(): void {
    this.drainStartedAt = Date.now();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const left = Math.max(0, this.drainStartedAt + this.graceMs - Date.now());
    this.logger.log(
      `Waiting for ${this.inFlight.size} completions (up to ${left} ms)`,
    );
    const settled = () =>
      Promise.allSettled(this.inFlight.values()).then(() => undefined);
    const deadline = new AbortController();
    await Promise.race([
      settled(),
      sleep(left, undefined, { signal: deadline.signal }).catch(
        () => undefined,
      ),
    ]);
    deadline.abort();
    for (const controller of this.inFlight.keys()) controller.abort(SHUTDOWN);
    await settled();
  }

  /** Runs one completion under its own signal, aborted by the client leaving or by shutdown. */
  private track<T>(
    clientGone: AbortSignal,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.lifecycle.assertAccepting();
    const controller = new AbortController();
    const forward = () => controller.abort();
    clientGone.addEventListener('abort', forward, { once: true });
    if (clientGone.aborted) forward();
    const running = work(controller.signal).finally(() => {
      clientGone.removeEventListener('abort', forward);
      this.inFlight.delete(controller);
    });
    this.inFlight.set(controller, running);
    return running;
  }

  private failure(error: unknown, signal: AbortSignal): AppError {
    if (signal.aborted && signal.reason === SHUTDOWN) {
      return HttpErrors.unavailable(
        'shutting_down',
        'The server is restarting; try again in a moment.',
      );
    }
    const mapped = completionError(error);
    if (mapped.status >= 500 && !(error instanceof AppError)) {
      this.logger.error(error);
    }
    return mapped;
  }
}
