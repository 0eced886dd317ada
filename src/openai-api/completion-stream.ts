import type { Response } from 'express';
import { once } from 'node:events';
import { frameSse } from '../streaming/sse-framing.js';
import { writeFrame } from '../streaming/sse-frame-writer.js';

const DONE = frameSse({ data: '[DONE]' });

/**
 * Writes one streamed completion as OpenAI does: `data: <json>` events, then
 * `data: [DONE]`. Headers are held back until the first chunk, so that a call
 * failing before any text still gets a real HTTP error status; after that,
 * a failure can only be an `error` event. Honours back-pressure: a client
 * that reads slowly slows the copy instead of filling memory. Frames go out
 * through the one frame writer (`writeFrame`), as the seed route's do.
 */
export class CompletionStream {
  constructor(private readonly response: Response) {}

  get started(): boolean {
    return this.response.headersSent;
  }

  /** The client has gone (or the stream is over): nothing more can be written. */
  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  send(data: unknown): Promise<void> | undefined {
    return this.sendFrame(frameSse({ data: JSON.stringify(data) }));
  }

  /**
   * Writes an event already framed. Returns a promise only when the client
   * is behind (wait for it before the next), so a client that keeps up costs
   * no promise per chunk.
   */
  sendFrame(frame: string): Promise<void> | undefined {
    if (!this.started) this.start();
    return this.write(frame);
  }

  async done(): Promise<void> {
    await this.write(DONE);
    this.response.end();
  }

  /** Ends a stream whose format closes with its own last event, not `[DONE]` (the Responses API). */
  end(): void {
    if (!this.closed) this.response.end();
  }

  /** An error after the stream began: one `data: {"error":…}` event, then the end. */
  async fail(error: unknown): Promise<void> {
    if (this.closed) return;
    await this.write(frameSse({ data: JSON.stringify(error) }));
    this.response.end();
  }

  private start(): void {
    this.response.status(200);
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    this.response.setHeader('Connection', 'keep-alive');
    // Tells nginx-like proxies not to buffer the stream.
    this.response.setHeader('X-Accel-Buffering', 'no');
    // Not flushed on their own: the first frame, written right after,
    // carries them in the same socket write (one system call less per
    // stream, ~6 % of the CPU of a two-chunk `/v1` stream; bench/analysis.md).
  }

  private write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (writeFrame(this.response, text, this.response.socket)) return undefined;
    return this.drained();
  }

  private async drained(): Promise<void> {
    const settled = new AbortController();
    try {
      await Promise.race([
        once(this.response, 'drain', { signal: settled.signal }),
        once(this.response, 'close', { signal: settled.signal }),
      ]);
    } finally {
      settled.abort();
    }
  }
}
