import { pulled, pumpIterable, type ChunkSink } from './chunk-sink.js';
import type { LlmChunk, LlmRequest } from './llm.types.js';

/**
 * The port every model provider implements, and its injection token. Chosen
 * once at start-up by `LlmModule` from `LLM_PROVIDER`; nothing outside the
 * provider knows which one is in use.
 *
 * A call is one of two shapes, and a provider implements one of them (the
 * other is derived from it): `pump()` pushes each chunk to a sink, `stream()`
 * yields them. The gateway calls `pump()`: providers on its hot paths push
 * (see `ChunkSink` for why); a provider that yields keeps its generator.
 *
 * Contract of a call: text deltas as they arrive, then exactly one `finish`
 * chunk; fails with `LlmError` (mapped, secret-free); closes the upstream
 * request promptly when `signal` aborts. Retries of whole calls
 * and the first-token/idle/total timeouts are applied by `LlmService`, so a
 * provider only retries what is specific to its protocol (ERNIE's expired
 * access token).
 */
export abstract class LlmProvider {
  /** Provider name, e.g. `ernie` (safe to log and to put in metrics). */
  abstract readonly name: string;
  /** Model identifier reported to API clients. */
  abstract readonly model: string;

  constructor() {
    // Each shape is derived from the other: without one of them, a call would recurse.
    const base = LlmProvider.prototype;
    if (this.pump === base.pump && this.stream === base.stream) {
      throw new TypeError(
        `${new.target.name} must implement pump() or stream()`,
      );
    }
  }

  /**
   * Pushes the call's chunks to `sink`, holding the next one while a promise
   * the sink returned is pending; resolves after the `finish` chunk, rejects
   * with the call's error. Derived from `stream()` unless overridden.
   */
  pump(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    return pumpIterable(this.stream(request, signal), sink);
  }

  /**
   * The call's chunks, pulled one at a time; leaving the loop early leaves
   * the call. Derived from `pump()` unless overridden.
   */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmChunk> {
    return pulled(
      (callSignal, sink) => this.pump(request, callSignal, sink),
      signal,
    );
  }

  /**
   * Resolves when the provider can take calls (configured, credentials
   * present); rejects with a secret-free reason otherwise. Polled by the
   * readiness check, so it must be cheap and must not call the upstream.
   */
  ready(): Promise<void> {
    return Promise.resolve();
  }
}
