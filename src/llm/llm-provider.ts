import type { LlmChunk, LlmRequest } from './llm.types.js';

/**
 * The port every model provider implements, and its injection token. Chosen
 * once at start-up by `LlmModule` from `LLM_PROVIDER`; nothing outside the
 * provider knows which one is in use.
 *
 * Contract of `stream()`: yields text deltas as they arrive, then exactly one
 * `finish` chunk; throws `LlmError` (mapped, secret-free) on failure; closes
 * the upstream request promptly when `signal` aborts. Retries of whole calls
 * and the first-token/idle/total timeouts are applied by `LlmService`, so a
 * provider only retries what is specific to its protocol (ERNIE's expired
 * access token).
 */
export abstract class LlmProvider {
  /** Provider name, e.g. `ernie` (safe to log and to put in metrics). */
  abstract readonly name: string;
  /** Model identifier reported to API clients. */
  abstract readonly model: string;

  abstract stream(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncIterable<LlmChunk>;

  /**
   * Resolves when the provider can take calls (configured, credentials
   * present); rejects with a secret-free reason otherwise. Polled by the
   * readiness check, so it must be cheap and must not call the upstream.
   */
  ready(): Promise<void> {
    return Promise.resolve();
  }
}
