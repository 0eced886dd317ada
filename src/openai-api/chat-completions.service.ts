import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientIdentity } from '../access/principal.js';
import { StreamRegistry } from '../chat/sse/stream-registry.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { LlmService } from '../llm/llm.service.js';
import { ToolCallAccumulator } from '../llm/tool-call-accumulator.js';
import type { LlmRequest, LlmUsage } from '../llm/llm.types.js';
import { ChatRequestPolicy } from '../request-policy/chat-request.policy.js';
import { invalidField } from '../request-policy/invalid-field.js';
import { CompletionFormat } from './completion-format.js';
import { CompletionStream } from './completion-stream.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import type { ChatCompletionDto } from './dto/chat-completion.dto.js';
import { toIncomingMessages } from './incoming-messages.js';
import {
  OPENAI_API_SETTINGS,
  type OpenAiApiSettings,
} from './openai-api.settings.js';
import { completionError, toOpenAiError } from './openai-errors.js';

/** A validated request, ready for the model. */
export interface PreparedCompletion {
  request: LlmRequest;
  includeUsage: boolean;
  /** The client used `functions`: calls go back as `function_call`, as OpenAI does. */
  legacyFunctions: boolean;
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
  private readonly graceMs: number;
  private drainStartedAt = 0;

  constructor(
    private readonly llm: LlmService,
    private readonly lifecycle: AppLifecycle,
    private readonly streams: StreamRegistry,
    private readonly policy: ChatRequestPolicy,
    @Inject(OPENAI_API_SETTINGS) settings: OpenAiApiSettings,
  ) {
    this.graceMs = settings.shutdownGraceMs;
  }

  /** Checks what the DTO cannot express and builds the model request; throws 400s. */
  prepare(dto: ChatCompletionRequestDto): PreparedCompletion {
    if (dto.stream_options && !dto.stream) {
      invalidField(
        'stream_options',
        'requiresStream',
        'stream_options is only allowed when stream is true',
      );
    }
    return {
      request: this.policy.prepare(toIncomingMessages(dto.messages), dto, {
        model: dto.model,
        anyNameMeansDefault: true,
      }),
      includeUsage: dto.stream_options?.include_usage === true,
      legacyFunctions: dto.functions !== undefined,
    };
  }

  /** The whole reply as one `chat.completion`; errors are thrown with their `/v1` status. */
  complete(
    prepared: PreparedCompletion,
    clientGone: AbortSignal,
  ): Promise<ChatCompletionDto> {
    return this.track(clientGone, async (signal) => {
      const format = new CompletionFormat(
        prepared.request.model ?? this.llm.model,
        false,
        prepared.legacyFunctions,
      );
      const toolCalls = new ToolCallAccumulator();
      let text = '';
      let finishReason = 'stop';
      let usage: LlmUsage | undefined;
      try {
        for await (const chunk of this.llm.stream(prepared.request, signal)) {
          if (chunk.type === 'route') format.model = chunk.model;
          else if (chunk.type === 'delta') text += chunk.text;
          else if (chunk.type === 'tool_call') toolCalls.add(chunk);
          else ({ finishReason, usage } = chunk);
        }
      } catch (error) {
        throw this.failure(error, signal);
      }
      return format.completion(text, finishReason, usage, toolCalls.calls);
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
        prepared.request.model ?? this.llm.model,
        prepared.includeUsage,
        prepared.legacyFunctions,
      );
      const out = new CompletionStream(response);
      let finishReason = 'stop';
      let usage: LlmUsage | undefined;
      try {
        for await (const chunk of this.llm.stream(prepared.request, signal)) {
          if (chunk.type === 'route') {
            format.model = chunk.model;
            continue;
          }
          if (chunk.type === 'finish') {
            ({ finishReason, usage } = chunk);
            continue;
          }
          if (!out.started) {
            await out.send(format.roleChunk(chunk.type === 'tool_call'));
          }
          if (chunk.type === 'tool_call') {
            await out.send(format.toolCallChunk(chunk));
          } else if (chunk.text) {
            const behind = out.sendFrame(format.contentFrame(chunk.text));
            if (behind) await behind;
          }
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
