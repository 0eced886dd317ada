import type { LlmRequest, LlmUsage } from './llm.types.js';

/** How an admitted call ended, as `LlmService` saw it. */
export interface LlmCallResult {
  /** The model that answered (after any fallback), or the one asked for. */
  model: string;
  /** The upstream's count when it reported one, else an estimate. */
  usage: LlmUsage;
  estimated: boolean;
  /** `cancelled`: the client left (or the reply was stopped) before the end. */
  outcome: 'finished' | 'failed' | 'cancelled';
}

/** An admitted call: ended exactly once; its `signal` aborts when the call may no longer run. */
export interface LlmCallTicket {
  readonly signal?: AbortSignal;
  /** Never rejects. */
  end(result: LlmCallResult): Promise<void>;
}

/**
 * What `LlmService` asks before every call and tells after it, whichever
 * front door made the call: whether the caller may make it (throws the
 * `LlmError` that refuses it), and what it used. Optional: without one,
 * every call is admitted and nothing is counted.
 */
export abstract class LlmCallGate {
  abstract admit(request: LlmRequest, model: string): Promise<LlmCallTicket>;

  /**
   * Throws now what `admit` would refuse for the model or the budget, taking
   * nothing: for a front door that answers before the call starts
   * (`POST /server/send` answers 202, and the reply runs later).
   */
  abstract check(request: LlmRequest, model: string): Promise<void>;
}
