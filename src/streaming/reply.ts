import type {
  LlmToolCall,
  LlmToolCallDelta,
  LlmUsage,
} from '../llm/llm.types.js';

/** A reply folded from the model's chunks: what every API format answers with. */
export interface ReplyResult {
  text: string;
  /** Whole tool calls, in `index` order (empty when the model called none). */
  toolCalls: LlmToolCall[];
  /** `stop`, `length`, `tool_calls`… (`stop` when the provider gave none). */
  finishReason: string;
  usage?: LlmUsage;
  /** The model that answered (after any fallback), when the router said. */
  model?: string;
}

/**
 * Where a reply run hands each piece as it arrives: an API format (`/v1`
 * chunks, the bus events of the seed route…) implements the parts it needs.
 *
 * The per-chunk methods return a promise only when the consumer is behind
 * (a socket's back-pressure, a bus publish): the run waits for it before the
 * next chunk, so a consumer that keeps up costs no promise per chunk.
 */
export interface ReplySink {
  /** Which model answers, before its first output (and again after a fallback). */
  route?(model: string): void;
  /** A text delta (possibly empty, as the provider sent it). */
  text?(delta: string): void | Promise<unknown>;
  toolCall?(delta: LlmToolCallDelta): void | Promise<unknown>;
  usage?(usage: LlmUsage): void;
  /** The reply is complete; the run settles once this has settled. */
  end?(reply: ReplyResult): void | Promise<unknown>;
  /** The reply failed or was stopped; the run rejects once this has settled. */
  fail?(failure: ReplyFailure): void | Promise<unknown>;
}

/**
 * Why a reply run ended without completing: the model call's error (an
 * `LlmError`, or anything unexpected), the reply folded so far, and the
 * reason its signal was aborted, if it was (`SHUTDOWN_REASON` at shutdown,
 * or the reason the caller aborted its own signal with).
 */
export class ReplyFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly partial: ReplyResult,
    readonly stopReason: unknown,
    readonly stopped: boolean,
  ) {
    super('The reply did not complete', { cause: error });
    this.name = 'ReplyFailure';
  }
}

/** The abort reason of the runs still going when the shutdown grace ends. */
export const SHUTDOWN_REASON = 'shutdown';
