import type { Readable } from 'node:stream';
import {
  createParser,
  type EventSourceMessage,
  type EventSourceParser,
} from 'eventsource-parser';

export interface ReadEventsOptions {
  /**
   * Receives lines that are not SSE fields, such as a JSON error body sent
   * with an event-stream content type: some upstreams do.
   */
  onStrayLine?: (line: string) => void;
  /** Largest event accepted, in characters; a bigger one is an upstream fault. */
  maxEventChars?: number;
}

/** A body that broke the SSE framing beyond what the parser tolerates. */
export class ServerSentEventsError extends Error {}

/**
 * `eventsource-parser` (the WHATWG algorithm, whatever the chunking) over a
 * byte stream: `feed` the bytes, `end` once they are over. The events go to
 * `onEvent`; the first framing fault is thrown by the `feed` or `end` that
 * met it.
 */
class EventDecoder {
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private failure?: Error;

  constructor(
    onEvent: (event: EventSourceMessage) => void,
    options: ReadEventsOptions,
  ) {
    this.parser = createParser({
      onEvent,
      onError: (error) => {
        if (error.type === 'unknown-field' && error.line !== undefined) {
          options.onStrayLine?.(error.line);
        } else if (error.type !== 'invalid-retry') {
          this.failure ??= new ServerSentEventsError(error.message);
        }
      },
      maxBufferSize: options.maxEventChars ?? 1_000_000,
    });
  }

  feed(bytes: Uint8Array): void {
    this.parser.feed(this.decoder.decode(bytes, { stream: true }));
    if (this.failure) throw this.failure;
  }

  end(): void {
    // Blank lines complete a last event or stray line that lacks its
    // terminator, which the WHATWG algorithm would drop silently.
    this.parser.feed(`${this.decoder.decode()}\n\n`);
    if (this.failure) throw this.failure;
  }
}

/**
 * What `pumpServerSentEvents` hands each event: returning a promise pauses
 * the body until it settles (a rejection ends the reading with its error);
 * calling `stop` ends the reading after this event, once what it returned
 * has settled.
 */
export type ServerSentEventHandler = (
  event: EventSourceMessage,
  stop: () => void,
) => void | PromiseLike<unknown>;

/** A Node body; undici's has `dump()`, which drains it without destroying its connection. */
type Body = Readable & {
  dump?: (options?: { limit: number }) => Promise<void>;
};

/**
 * Reads a `text/event-stream` body in flowing mode, each event handed to
 * `onEvent` as its bytes arrive, with no promise per event (see `ChunkSink`
 * for why). Resolves when the body ended or `stop` was called, rejects with
 * the first error: the body's, the framing's, or one `onEvent` threw.
 * Stopping or failing before the end drains the rest with `dump()` (a body
 * that does not end is destroyed past its byte limit, or by its request's
 * signal) rather than destroying it, which would build an `AbortError` and
 * its stack trace for every call (bench/analysis.md).
 */
export function pumpServerSentEvents(
  body: Body,
  onEvent: ServerSentEventHandler,
  options: ReadEventsOptions = {},
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let ended = false;
    let stopping = false;
    let held = 0;
    const stop = () => {
      stopping = true;
    };
    const fail = (error: unknown) => settle({ error });
    const settle = (failure?: { error: unknown }) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', fail);
      body.off('close', onClose);
      if (!body.readableEnded) {
        // Errors after this point are the drain's, not the reply's.
        body.on('error', ignore);
        if (body.dump) void body.dump().catch(ignore);
        else body.destroy();
      }
      if (failure) reject(failure.error);
      else resolve();
    };
    const release = () => {
      if (--held > 0 || settled) return;
      if (ended || stopping) settle();
      else body.resume();
    };
    const events = new EventDecoder((event) => {
      if (settled || stopping) return;
      const behind = onEvent(event, stop);
      if (behind) {
        held++;
        body.pause();
        behind.then(release, fail);
      }
      if (stopping && held === 0) settle();
    }, options);
    const onData = (bytes: Uint8Array) => {
      try {
        events.feed(bytes);
      } catch (error) {
        fail(error);
      }
    };
    const onEnd = () => {
      ended = true;
      try {
        events.end();
      } catch (error) {
        return fail(error);
      }
      if (held === 0) settle();
    };
    // Destroyed without an error (no `end`, no `error`): the reading cannot go on.
    const onClose = () => {
      if (!ended) fail(new Error('The body was closed before its end.'));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', fail);
    body.once('close', onClose);
  });
}

function ignore(): void {}
