import type { LlmChunk } from './llm.types.js';

/**
 * Where a model call pushes its chunks, in order, as they arrive. Returning
 * a promise says the consumer is behind: the producer holds the next chunk
 * until it settles, and a rejection ends the call with that error. A
 * consumer that keeps up returns nothing, so a chunk costs a function call
 * and no promise.
 *
 * Why push rather than async iterators: a chunk pulled through the layers of
 * a call (upstream body, SSE events, provider, router, timeouts, reply run)
 * cost one promise and its microtask jobs per layer. Pushed, it crosses them
 * as plain calls (bench/analysis.md, "fourth pass").
 */
export type ChunkSink = (chunk: LlmChunk) => void | PromiseLike<unknown>;

/**
 * Pushes chunks that came together (one upstream event, a whole reply) in a
 * row; a promise the sink returned (the last, if several did) is returned,
 * for the caller to hold the next ones on.
 */
export function pushEach(
  chunks: readonly LlmChunk[],
  sink: ChunkSink,
): void | PromiseLike<unknown> {
  let behind: void | PromiseLike<unknown> = undefined;
  for (const chunk of chunks) behind = sink(chunk) ?? behind;
  return behind;
}

/** Pushes the chunks of an iterable to `sink`, holding each while the sink is behind. */
export async function pumpIterable(
  chunks: AsyncIterable<LlmChunk>,
  sink: ChunkSink,
): Promise<void> {
  for await (const chunk of chunks) {
    const behind = sink(chunk);
    if (behind) await behind;
  }
}

/**
 * The chunks a push-based call produces, as an async iterable: `start` runs
 * once per iteration with a signal that aborts with the caller's, or when the
 * consumer stops early (then the call is left, as breaking out of a
 * generator leaves it). Each chunk waits for the consumer to ask for the
 * next one; the call's error is thrown after the chunks that came before it.
 */
export function pulled(
  start: (signal: AbortSignal, sink: ChunkSink) => Promise<void>,
  caller: AbortSignal,
): AsyncIterable<LlmChunk> {
  return {
    [Symbol.asyncIterator]: () => new PulledChunks(start, caller),
  };
}

const LEFT = new Error('The consumer stopped reading.');

class PulledChunks implements AsyncIterator<LlmChunk> {
  private readonly controller = new AbortController();
  private readonly queue: LlmChunk[] = [];
  private running?: Promise<void>;
  private ended = false;
  private failure?: { error: unknown };
  /** The consumer, waiting for a chunk or the end. */
  private wake?: () => void;
  /** The producer, waiting for the consumer to take its chunk. */
  private release?: () => void;

  constructor(
    private readonly start: (
      signal: AbortSignal,
      sink: ChunkSink,
    ) => Promise<void>,
    private readonly caller: AbortSignal,
  ) {}

  async next(): Promise<IteratorResult<LlmChunk>> {
    // The consumer is done with the chunk it had: the producer may go on.
    this.release?.();
    this.release = undefined;
    if (!this.running) this.begin();
    while (true) {
      const chunk = this.queue.shift();
      if (chunk) return { value: chunk, done: false };
      if (this.failure) {
        const { error } = this.failure;
        this.failure = undefined;
        this.ended = true;
        throw error;
      }
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  return(): Promise<IteratorResult<LlmChunk>> {
    if (!this.ended) {
      this.ended = true;
      this.controller.abort(LEFT);
    }
    this.queue.length = 0;
    this.release?.();
    this.release = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  private begin(): void {
    const { caller, controller } = this;
    const forward = () => controller.abort(caller.reason);
    if (caller.aborted) forward();
    else caller.addEventListener('abort', forward, { once: true });
    const wake = () => {
      caller.removeEventListener('abort', forward);
      this.wake?.();
      this.wake = undefined;
    };
    this.running = this.start(controller.signal, (chunk) => {
      if (this.ended) return;
      this.queue.push(chunk);
      this.wake?.();
      this.wake = undefined;
      return new Promise<void>((resolve) => (this.release = resolve));
    }).then(
      () => {
        if (!this.ended && !this.failure) this.ended = true;
        wake();
      },
      (error: unknown) => {
        if (!this.ended) this.failure = { error };
        wake();
      },
    );
  }
}
