import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ClientIdentity } from '../access/principal.js';
import { StreamRegistry } from '../streaming/slots/stream-registry.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import type { LlmRequest } from '../llm/llm.types.js';
import { ChatRequestPolicy } from '../request-policy/chat-request.policy.js';
import { invalidField } from '../request-policy/invalid-field.js';
import { CompletionFormat } from './completion-format.js';
import { CompletionStream } from './completion-stream.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import type { ChatCompletionDto } from './dto/chat-completion.dto.js';
import { toIncomingMessages } from './incoming-messages.js';
import { completionError } from './openai-errors.js';
import {
  ReplyFailure,
  SHUTDOWN_REASON,
  type ReplyResult,
} from '../streaming/reply.js';
import { ReplyRunner } from '../streaming/reply-runner.js';
import { CompletionChunkSink } from './completion-chunk-sink.js';

/** A validated request, ready for the model. */
export interface PreparedCompletion {
  request: LlmRequest;
  includeUsage: boolean;
  /** The client used `functions`: calls go back as `function_call`, as OpenAI does. */
  legacyFunctions: boolean;
}

/**
 * OpenAI Chat Completions on top of the streaming core, whichever provider
 * is configured: a formatter over one reply run. This path does not use the
 * chat bus: the reply goes straight to the one client that asked, and the
 * call is aborted when that client disconnects. At shutdown, the reply runs
 * are drained by `InFlightReplies`; a completion stopped then ends with a
 * 503 error (`shutting_down`).
 */
@Injectable()
export class ChatCompletionsService {
  private readonly logger = new Logger(ChatCompletionsService.name);

  constructor(
    private readonly replies: ReplyRunner,
    private readonly lifecycle: AppLifecycle,
    private readonly streams: StreamRegistry,
    private readonly policy: ChatRequestPolicy,
  ) {}

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
  async complete(
    prepared: PreparedCompletion,
    clientGone: AbortSignal,
  ): Promise<ChatCompletionDto> {
    this.lifecycle.assertAccepting();
    const format = this.format(prepared, false);
    let reply: ReplyResult;
    try {
      reply = await this.replies.start(
        prepared.request,
        {},
        { signal: clientGone },
      );
    } catch (error) {
      throw this.failure(error);
    }
    if (reply.model !== undefined) format.model = reply.model;
    return format.completion(
      reply.text,
      reply.finishReason,
      reply.usage,
      reply.toolCalls,
    );
  }

  /**
   * Streams the reply to `response` as `chat.completion.chunk` events. Counts
   * as one open stream of the client (MAX_STREAMS_PER_KEY). Errors before the
   * first chunk are thrown (an HTTP error status); later ones become an error
   * event that ends the stream.
   */
  async stream(
    prepared: PreparedCompletion,
    client: ClientIdentity,
    response: Response,
    clientGone: AbortSignal,
  ): Promise<void> {
    this.lifecycle.assertAccepting();
    await this.streams.claimShared(client, response);
    const lease = this.streams.acquire(client);
    const out = new CompletionStream(response);
    const sink = new CompletionChunkSink(
      this.format(prepared, prepared.includeUsage),
      out,
      prepared.includeUsage,
      clientGone,
      (failure) => this.failure(failure),
    );
    try {
      await this.replies.start(prepared.request, sink, { signal: clientGone });
    } catch (raw) {
      const error = sink.error ?? this.failure(raw);
      if (!out.started) throw error;
      if (clientGone.aborted) {
        this.logger.log(
          'The client closed a streamed completion; the model call was cancelled.',
        );
      }
    } finally {
      lease.release();
    }
  }

  private format(
    prepared: PreparedCompletion,
    includeUsage: boolean,
  ): CompletionFormat {
    return new CompletionFormat(
      prepared.request.model ?? this.replies.defaultModel,
      includeUsage,
      prepared.legacyFunctions,
    );
  }

  private failure(raw: unknown): AppError {
    if (raw instanceof ReplyFailure && raw.stopReason === SHUTDOWN_REASON) {
      return HttpErrors.unavailable(
        'shutting_down',
        'The server is restarting; try again in a moment.',
      );
    }
    const error = raw instanceof ReplyFailure ? raw.error : raw;
    const mapped = completionError(error);
    if (mapped.status >= 500 && !(error instanceof AppError)) {
      this.logger.error(error);
    }
    return mapped;
  }
}
