import { Injectable } from '@nestjs/common';
import { LlmService } from '../llm/llm.service.js';
import { ToolCallAccumulator } from '../llm/tool-call-accumulator.js';
import type { LlmRequest } from '../llm/llm.types.js';
import { InFlightReplies } from './in-flight-replies.js';
import { ReplyFailure, type ReplyResult, type ReplySink } from './reply.js';

export interface ReplyRunOptions {
  /** Stops the run (the model call is aborted); its reason becomes the failure's `stopReason`. */
  signal?: AbortSignal;
}

/**
 * Runs one reply: calls the model under the run's own abort signal, folds
 * the chunks into a `ReplyResult` (the only fold of the process), and hands
 * each piece to the sink as it arrives. Every run is tracked by
 * `InFlightReplies`, which drains them at shutdown.
 */
@Injectable()
export class ReplyRunner {
  constructor(
    private readonly llm: LlmService,
    private readonly inFlight: InFlightReplies,
  ) {}

  /** The model a request without one is served with. */
  get defaultModel(): string {
    return this.llm.model;
  }

  /**
   * Resolves with the whole reply after `sink.end`; rejects with a
   * `ReplyFailure` after `sink.fail` when the call failed or was stopped.
   */
  start(
    request: LlmRequest,
    sink: ReplySink,
    options: ReplyRunOptions = {},
  ): Promise<ReplyResult> {
    const controller = new AbortController();
    const { signal } = options;
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    const run = this.run(request, sink, controller.signal);
    return this.inFlight.track(
      controller,
      signal
        ? run.finally(() => signal.removeEventListener('abort', forward))
        : run,
    );
  }

  private async run(
    request: LlmRequest,
    sink: ReplySink,
    signal: AbortSignal,
  ): Promise<ReplyResult> {
    const reply: ReplyResult = {
      text: '',
      toolCalls: [],
      finishReason: 'stop',
    };
    const toolCalls = new ToolCallAccumulator();
    try {
      await this.llm.run(request, signal, (chunk) => {
        if (chunk.type === 'delta') {
          reply.text += chunk.text;
          return sink.text?.(chunk.text);
        }
        if (chunk.type === 'tool_call') {
          toolCalls.add(chunk);
          return sink.toolCall?.(chunk);
        }
        if (chunk.type === 'route') {
          reply.model = chunk.model;
          sink.route?.(chunk.model);
        } else {
          reply.finishReason = chunk.finishReason;
          reply.usage = chunk.usage;
          if (chunk.usage) sink.usage?.(chunk.usage);
        }
      });
    } catch (error) {
      reply.toolCalls = toolCalls.calls;
      const failure = new ReplyFailure(
        error,
        reply,
        signal.aborted ? signal.reason : undefined,
        signal.aborted,
      );
      await sink.fail?.(failure);
      throw failure;
    }
    reply.toolCalls = toolCalls.calls;
    await sink.end?.(reply);
    return reply;
  }
}
