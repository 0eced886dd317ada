import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MetricsService,
  type LlmCallOutcome,
} from '../metrics/metrics.service.js';
import { LlmError } from './llm-error.js';
import { LlmProvider } from './llm-provider.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { StreamWatchdog } from './stream-watchdog.js';
import type { LlmCallPolicy, LlmChunk, LlmRequest } from './llm.types.js';

/** What one call produced, for callers that want more than the chunks. */
export interface LlmCallObserver {
  onRetry?(error: LlmError, attempt: number, delayMs: number): void;
  onFirstToken?(elapsedMs: number): void;
}

/**
 * The facade the chat code talks to. It adds to whichever provider is
 * configured the behaviour every provider must have: retries with jittered
 * exponential backoff on retryable errors (only before the first delta left,
 * so that no text is ever sent twice), and the time-to-first-token, idle-gap
 * and total timeouts. A timeout aborts the provider's request. Every call is
 * measured here (started/finished/failed, duration, time to first token,
 * tokens, retries), whichever route made it.
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger(LlmService.name);

  constructor(
    private readonly provider: LlmProvider,
    @Inject(LLM_CALL_POLICY) private readonly policy: LlmCallPolicy,
    @Optional() private readonly metrics?: MetricsService,
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

  async *stream(
    request: LlmRequest,
    signal: AbortSignal,
    observer: LlmCallObserver = {},
  ): AsyncGenerator<LlmChunk> {
    const metrics = this.metrics;
    if (!metrics) return yield* this.withRetries(request, signal, observer);
    const provider = this.provider.name;
    const startedAt = Date.now();
    metrics.generationStarted(provider);
    // A caller that stops reading without aborting has abandoned the call.
    let outcome: LlmCallOutcome = { errorCode: 'cancelled' };
    try {
      for await (const chunk of this.withRetries(request, signal, {
        onFirstToken: (elapsedMs) => {
          metrics.firstToken(provider, elapsedMs);
          observer.onFirstToken?.(elapsedMs);
        },
        onRetry: (error, attempt, delayMs) => {
          metrics.retried(provider, error.code);
          observer.onRetry?.(error, attempt, delayMs);
        },
      })) {
        if (chunk.type === 'finish') {
          outcome = { finishReason: chunk.finishReason, usage: chunk.usage };
        }
        yield chunk;
      }
    } catch (error) {
      outcome = {
        errorCode: error instanceof LlmError ? error.code : 'internal_error',
      };
      throw error;
    } finally {
      metrics.generationEnded(provider, outcome, Date.now() - startedAt);
    }
  }

  private async *withRetries(
    request: LlmRequest,
    signal: AbortSignal,
    observer: LlmCallObserver,
  ): AsyncGenerator<LlmChunk> {
    const startedAt = Date.now();
    const totalDeadline = startedAt + this.policy.totalTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let emittedDelta = false;
      try {
        for await (const chunk of this.attempt(
          request,
          signal,
          totalDeadline,
          () => emittedDelta,
        )) {
          // A tool-call fragment is output too: no retry may repeat it.
          if (chunk.type !== 'finish') {
            if (!emittedDelta) observer.onFirstToken?.(Date.now() - startedAt);
            emittedDelta = true;
          }
          yield chunk;
        }
        return;
      } catch (raw) {
        const error = signal.aborted ? LlmError.cancelled() : toLlmError(raw);
        const delay = this.retryDelay(error, attempt);
        if (
          emittedDelta ||
          !error.retryable ||
          attempt >= this.policy.maxRetries
        ) {
          throw error;
        }
        if (Date.now() + delay >= totalDeadline) throw error;
        observer.onRetry?.(error, attempt + 1, delay);
        this.logger.warn(
          `${this.provider.name}: ${error.code} (upstream ${String(error.upstreamCode ?? '-')}), retry ${attempt + 1}/${this.policy.maxRetries} in ${delay} ms`,
        );
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          throw LlmError.cancelled();
        }
      }
    }
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

  /**
   * One provider call under the timeouts. The provider gets its own signal,
   * aborted by the caller's signal or by a timeout, so it closes its request
   * in both cases; which one fired decides the error.
   */
  private async *attempt(
    request: LlmRequest,
    signal: AbortSignal,
    totalDeadline: number,
    hasEmitted: () => boolean,
  ): AsyncGenerator<LlmChunk> {
    const watchdog = new StreamWatchdog<LlmChunk>(signal, (ms, what) =>
      LlmError.timeout(`${what}, ${Math.round(ms / 100) / 10} s`),
    );
    const iterator = this.provider
      .stream(request, watchdog.signal)
      [Symbol.asyncIterator]();
    try {
      while (true) {
        const emitted = hasEmitted();
        const limitMs = emitted
          ? this.policy.idleTimeoutMs
          : this.policy.firstTokenTimeoutMs;
        const untilTotal = totalDeadline - Date.now();
        const result =
          untilTotal < limitMs
            ? await watchdog.next(iterator, untilTotal, 'total time')
            : await watchdog.next(
                iterator,
                limitMs,
                emitted ? 'no new token' : 'no first token',
              );
        if (result.done) return;
        yield result.value;
      }
    } finally {
      watchdog.close();
      void iterator.return?.().catch(() => undefined);
    }
  }
}

export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  return new LlmError('internal_error', 'The model call failed unexpectedly.', {
    cause: error,
  });
}
