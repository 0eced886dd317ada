// The one import of a framework's unexported path, kept in this folder.
import { SseStream } from '@nestjs/core/router/sse-stream.js';
import type { CorkableResponse } from '../streaming/response-corker.js';
import { writeFrame } from '../streaming/sse-frame-writer.js';
import { SseFrame } from '../streaming/sse-frame.js';

type WriteMessage = (
  this: SseStream,
  message: unknown,
  callback: (error?: Error | null) => void,
) => void;

type Pipe = (
  this: SseStream,
  destination: NodeJS.WritableStream,
  options?: unknown,
) => NodeJS.WritableStream;

/** Marks the installed writer, so that installing twice wraps once. */
const FRAMES = Symbol('sseFrameWriter');
/** The response an `SseStream` is piped into, as Nest's `pipe()` gave it. */
const RESPONSE = Symbol('sseResponse');

type SseStreamWithResponse = SseStream & { [RESPONSE]?: HttpResponse };

/** A response as far as the writer needs it: its connection, corked around a turn's writes. */
interface HttpResponse {
  socket: CorkableResponse | null;
  write: (chunk: unknown, ...rest: never[]) => boolean;
}

type CommitHeaders = (this: SseStreamWithResponse) => void;

/** What Nest's `commitHeaders()` writes after the headers: a blank line. */
const OPENING_LINE = '\n';

/**
 * The only hooks into Nest's `@Sse()` internals, kept here so that a Nest
 * upgrade that breaks them fails `nest-sse-stream.seam.spec.ts`, not
 * production. Installed once, from `installSeams()` in `main.ts`.
 *
 * When it can go: once Nest's `SseStream` writes a message whose data is
 * already a frame as it is (or takes a writer), and corks its destination
 * around a burst itself; the spec's byte-for-byte and one-write cases then
 * pass without it.
 *
 * Nest's `SseStream.writeMessage()` formats every message it is given, per
 * subscriber: two regular expressions, a split, a map and a join over data
 * the bus had already serialised (bench/analysis.md). A `SseFrame` is
 * written as it is instead, with the same back-pressure contract (the
 * callback once the stream accepts more). Every other message (the paused
 * socket probe, Nest's own error event) still goes through Nest's formatting.
 *
 * Each frame goes through the one frame writer (`writeFrame`,
 * `src/streaming/sse-frame-writer.ts`), which corks the connection for the
 * rest of the turn: Nest writes each event on its own tick, which uncorked
 * is one `writev` per event and subscriber (bench/analysis.md). The
 * response is the one Nest's `pipe()` is given; remembering it there costs
 * one property per stream, where the response's `pipe` event and a `data`
 * listener on the stream cost two listeners and their closures per
 * connection.
 *
 * Nest opens the body with a blank line after the headers; a stream starts
 * with its first field instead (`fetch-event-source` fires an empty
 * `onmessage` on that blank line). Nest's own `commitHeaders()` still
 * writes and flushes the headers at once; only the blank line is left out.
 */
export function installSseFrameWriter(): void {
  const proto = SseStream.prototype as unknown as {
    writeMessage: WriteMessage & { [FRAMES]?: true };
    pipe: Pipe;
    commitHeaders: CommitHeaders;
  };
  if (proto.writeMessage[FRAMES]) return;
  const format = proto.writeMessage;
  const pipe = proto.pipe;
  const commitHeaders = proto.commitHeaders;
  proto.commitHeaders = function commitHeadersOnly(this) {
    const response = this[RESPONSE];
    if (!response || this.headersCommitted) {
      commitHeaders.call(this);
      return;
    }
    const write = response.write;
    response.write = function skipOpeningLine(this: unknown, chunk, ...rest) {
      return chunk === OPENING_LINE ? true : write.call(this, chunk, ...rest);
    };
    try {
      commitHeaders.call(this);
    } finally {
      response.write = write;
    }
  } satisfies CommitHeaders;
  proto.pipe = function pipeIntoResponse(
    this: SseStreamWithResponse,
    destination,
    options,
  ) {
    if (isCorkable(destination)) this[RESPONSE] = destination;
    return pipe.call(this, destination, options);
  } satisfies Pipe;
  proto.writeMessage = Object.assign(
    function writeMessage(this: SseStreamWithResponse, message, callback) {
      if (!(message instanceof SseFrame)) {
        format.call(this, message, callback);
        return;
      }
      const accepted = writeFrame(this, message.data, this[RESPONSE]?.socket);
      if (accepted) process.nextTick(callback);
      else this.once('drain', callback);
    } satisfies WriteMessage,
    { [FRAMES]: true as const },
  );
}

function isCorkable(
  destination: NodeJS.WritableStream,
): destination is NodeJS.WritableStream & HttpResponse {
  return 'socket' in destination;
}
