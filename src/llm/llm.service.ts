import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MetricsService,
  type LlmCallOutcome,
} from '../metrics/metrics.service.js';
import { LlmCallGate, type LlmCallResult } from './llm-call-gate.js';
import { LlmError } from './llm-error.js';
import { LlmProvider } from './llm-provider.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { StreamWatchdog } from './stream-watchdog.js';
import { pulled, type ChunkSink } from './chunk-sink.js';
import type {
  LlmCallPolicy,
  LlmChunk,
  LlmRequest,
  LlmUsage,
} from './llm.types.js';

/**
 * The facade the chat code talks to. It adds to whichever provider is
 * configured the behaviour every provider must have: retries with jittered
 * exponential backoff on retryable errors (only before the first delta left,
 * so that no text is ever sent twice), and the time-to-first-token, idle-gap
 * and total timeouts. A timeout aborts the provider's request. Every call is
 * measured here (started/finished/failed, duration, time to first token,
 * tokens, retries), whichever route made it, and, when a `LlmCallGate` is
 * configured (API keys), admitted before it starts and accounted when it
 * ends, however it ends: finished, failed, or left by its client.
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger(LlmService.name);

  constructor(
    private readonly provider: LlmProvider,
    @Inject(LLM_CALL_POLICY) private readonly policy: LlmCallPolicy,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() private readonly gate?: LlmCallGate,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  get model(): string {
    return this.provider.model;
  }

  /** Whether the provider can take calls (readiness). */
  ready(): Promise<void> {
    return this.provider.ready();
  }

  /**
   * One model call: its chunks pushed to `sink` as they arrive, with the
   * retries, the timeouts, the first-token time and the metrics handled
   * here, in that one place. Resolves after the `finish` chunk; rejects with
   * the call's `LlmError`, or with what the sink threw or rejected with.
   */
  async run(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    const { metrics, policy } = this;
    const provider = this.provider.name;
    // Refusals (model, budget, key limits) are thrown before any upstream call.
    const ticket = await this.gate?.admit(request, request.model ?? this.model);
    const spent = new CallSpending(request.model ?? this.model);
    const startedAt = Date.now();
    const totalDeadline = startedAt + policy.totalTimeoutMs;
    metrics?.generationStarted(provider);
    let outcome: LlmCallOutcome = { errorCode: 'cancelled' };
    let emittedDelta = false;
    /** The sink failed: the call was left, as a caller that stops reading leaves it. */
    let sinkFailure: { error: unknown } | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        // The provider gets its own signal, aborted by the caller's signal
        // or by a timeout, so it closes its request in both cases; which
        // one fired decides the error.
        const watchdog = new StreamWatchdog(
          signal,
          timeoutError,
          ticket?.signal,
        );
        const expectNext = () => {
          const untilTotal = totalDeadline - Date.now();
          const limitMs = emittedDelta
            ? policy.idleTimeoutMs
            : policy.firstTokenTimeoutMs;
          if (untilTotal < limitMs) watchdog.expect(untilTotal, 'total time');
          else {
            watchdog.expect(
              limitMs,
              emittedDelta ? 'no new token' : 'no first token',
            );
          }
        };
        const failSink = (error: unknown): never => {
          sinkFailure ??= { error };
          // Aborted before the error reaches the provider, which then ends
          // as cancelled: the router charges no failure to the deployment.
          watchdog.abandon(error);
          throw error;
        };
        const onChunk = (chunk: LlmChunk) => {
          // Late: the call already timed out or was cancelled.
          if (watchdog.stopped || sinkFailure) return;
          spent.add(chunk);
          if (chunk.type === 'finish') {
            outcome = { finishReason: chunk.finishReason, usage: chunk.usage };
          } else if (!emittedDelta) {
            // A tool-call fragment is output too: no retry may repeat it.
            emittedDelta = true;
            metrics?.firstToken(provider, Date.now() - startedAt);
          }
          let behind: void | PromiseLike<unknown>;
          try {
            behind = sink(chunk);
          } catch (error) {
            return failSink(error);
          }
          if (!behind) return expectNext();
          watchdog.hold();
          return behind.then(expectNext, failSink);
        };
        expectNext();
        let failure: LlmError | undefined;
        try {
          await watchdog.watch(
            this.provider.pump(request, watchdog.signal, onChunk),
          );
        } catch (raw) {
          failure = signal.aborted
            ? LlmError.cancelled()
            : ticket?.signal?.aborted
              ? toLlmError(ticket.signal.reason)
              : toLlmError(raw);
        } finally {
          watchdog.close();
        }
        // Not an error of the call but the caller's own, given back as it
        // came; the call counts as left (cancelled).
        if (sinkFailure) throw sinkFailure.error;
        if (!failure) return;
        // Only before the first delta left, so that no text is sent twice.
        const delay = this.retryDelay(failure, attempt);
        if (
          emittedDelta ||
          !failure.retryable ||
          attempt >= policy.maxRetries ||
          Date.now() + delay >= totalDeadline
        ) {
          throw failure;
        }
        metrics?.retried(provider, failure.code);
        this.logger.warn(
          `${provider}: ${failure.code} (upstream ${String(failure.upstreamCode ?? '-')}), retry ${attempt + 1}/${policy.maxRetries} in ${delay} ms`,
        );
        try {
          await sleep(delay, undefined, {
            signal: ticket?.signal
              ? AbortSignal.any([signal, ticket.signal])
              : signal,
          });
        } catch {
          throw ticket?.signal?.aborted && !signal.aborted
            ? toLlmError(ticket.signal.reason)
            : LlmError.cancelled();
        }
      }
    } catch (error) {
      if (!sinkFailure) {
        outcome = {
          errorCode: error instanceof LlmError ? error.code : 'internal_error',
        };
      }
      throw error;
    } finally {
      metrics?.generationEnded(provider, outcome, Date.now() - startedAt);
      // Awaited: once the call has settled, the usage can be read back.
      await ticket?.end(
        spent.result(
          request,
          'errorCode' in outcome ? outcome.errorCode : undefined,
        ),
      );
    }
  }

  /**
   * The same call's chunks, pulled one at a time (`run` behind a queue);
   * leaving the loop early leaves the call, which then counts as cancelled.
   */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmChunk> {
    return pulled(
      (callSignal, sink) => this.run(request, callSignal, sink),
      signal,
    );
  }

  /** Full jitter backoff (AWS architecture blog), honouring an upstream Retry-After. */
  private retryDelay(error: LlmError, attempt: number): number {
    const ceiling = Math.min(
      this.policy.retryMaxMs,
      this.policy.retryBaseMs * 2 ** attempt,
    );
    const jittered = Math.round(Math.random() * ceiling);
    return Math.max(
      jittered,
      Math.min(error.retryAfterMs ?? 0, this.policy.retryMaxMs),
    );
  }
}

/**
 * What one call used, for the gate: the upstream's usage when it reported
 * it, else ~4 characters a token of the prompt and of what was received
 * (so a reply left mid-way is still counted).
 */
class CallSpending {
  private outputChars = 0;
  private reported?: LlmUsage;

  constructor(private model: string) {}

  add(chunk: LlmChunk): void {
    if (chunk.type === 'route') this.model = chunk.model;
    else if (chunk.type === 'delta') this.outputChars += chunk.text.length;
    else if (chunk.type === 'tool_call') {
      this.outputChars +=
        chunk.argumentsDelta.length + (chunk.name?.length ?? 0);
    } else this.reported = chunk.usage ?? this.reported;
  }

  result(request: LlmRequest, errorCode: string | undefined): LlmCallResult {
    const base = {
      model: this.model,
      outcome:
        errorCode === undefined
          ? ('finished' as const)
          : errorCode === 'cancelled'
            ? ('cancelled' as const)
            : ('failed' as const),
    };
    if (this.reported) {
      return { ...base, usage: this.reported, estimated: false };
    }
    let promptChars = request.system?.length ?? 0;
    for (const message of request.messages) {
      promptChars += message.content.length;
    }
    const promptTokens = Math.ceil(promptChars / 4);
    const completionTokens = Math.ceil(this.outputChars / 4);
    return {
      ...base,
      usage: {
        promptTokens,
        completionTokens,
        totalTokens: promptTokens + completionTokens,
      },
      estimated: true,
    };
  }
}

function timeoutError(ms: number, what: string): LlmError {
  return LlmError.timeout(`${what}, ${Math.round(ms / 100) / 10} s`);
}

export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  return new LlmError('internal_error', 'The model call failed unexpectedly.', {
    cause: error,
  });
}
