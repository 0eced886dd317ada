import type { ServerResponse } from 'node:http';

/** What the corker needs of a response. */
export type CorkableResponse = Pick<
  ServerResponse,
  'cork' | 'uncork' | 'writableLength'
>;

/**
 * Past this many waiting bytes a corked response is flushed at once, so a
 * large burst goes out in pieces of this size instead of waiting in memory
 * for the end of the turn, where it would back the stream up and make a
 * client that reads look like one that does not (SSE_MAX_PENDING_CHARS).
 */
const FLUSH_AT_BYTES = 8 * 1024;

/**
 * Coalesces the events a connection is written in one turn of the event
 * loop into one socket write. Nest's `@Sse()` pipeline writes each event on
 * its own tick, so without this every event of every subscriber is its own
 * `write()` system call: 95 % of the fan-out workload's writes and its
 * largest cost (bench/results.md). A connection is corked as it is written
 * to, and every corked connection is uncorked once, from a single
 * `setImmediate()` after the ticks in which a burst is written: the delay
 * is the rest of the current turn, never a timer.
 *
 * `written()` is called right after each write, by the one frame writer
 * (`writeFrame`, `sse-frame-writer.ts`), which Nest's `@Sse()` streams
 * reach through `src/seams/nest-sse-stream.seam.ts` and the `/v1` streams
 * call directly.
 */
export class ResponseCorker {
  private readonly corked = new Set<CorkableResponse>();
  private scheduled = false;

  /** The response was just written to. */
  written(response: CorkableResponse): void {
    if (this.corked.has(response)) {
      if (response.writableLength >= FLUSH_AT_BYTES) {
        response.uncork();
        response.cork();
      }
      return;
    }
    response.cork();
    this.corked.add(response);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    for (const response of this.corked) response.uncork();
    this.corked.clear();
  }
}
