import { Sse } from '@nestjs/common';
import { SseStream } from '@nestjs/core/router/sse-stream.js';

/**
 * An event already framed as SSE bytes (`frameSse()`), which the route's
 * Observable emits. `data` is the frame itself: Nest passes an object with
 * string data through as it is, and counts its length against the route's
 * pending limit (SSE_MAX_PENDING_CHARS) as it did for the event's fields.
 */
export class SseFrame {
  constructor(
    readonly data: string,
    /** The event's name, for filtering: `ping` for the heartbeat comment. */
    readonly event?: string,
  ) {}
}

type WriteMessage = (
  this: SseStream,
  message: unknown,
  callback: (error?: Error | null) => void,
) => void;

/** Marks the installed writer, so that installing twice wraps once. */
const FRAMES = Symbol('sseFrameWriter');

/**
 * The only hook into Nest's `@Sse()` internals, kept here so that a Nest
 * upgrade that breaks it fails `nest-sse-adapter.spec.ts`, not production.
 *
 * Nest's `SseStream.writeMessage()` formats every message it is given, per
 * subscriber: two regular expressions, a split, a map and a join over data
 * the bus had already serialised (bench/analysis.md). A `SseFrame` is
 * written as it is instead, with the same back-pressure contract (the
 * callback once the stream accepts more). Every other message (the paused
 * socket probe, Nest's own error event) still goes through Nest's formatting.
 */
export function installSseFrameWriter(): void {
  const proto = SseStream.prototype as unknown as {
    writeMessage: WriteMessage & { [FRAMES]?: true };
  };
  if (proto.writeMessage[FRAMES]) return;
  const format = proto.writeMessage;
  proto.writeMessage = Object.assign(
    function writeMessage(this: SseStream, message, callback) {
      if (!(message instanceof SseFrame)) {
        format.call(this, message, callback);
        return;
      }
      if (this.write(message.data, 'utf-8')) process.nextTick(callback);
      else this.once('drain', callback);
    } satisfies WriteMessage,
    { [FRAMES]: true as const },
  );
}

/**
 * Declares an `@Sse()` route's options from validated config, through
 * Nest's public decorator, before Nest registers the routes (which it does
 * once every controller is built). Used by the event-stream route only.
 */
export function declareSseRoute(
  prototype: object,
  method: string,
  path: string,
  maxPendingDataLength: number,
): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
  if (!descriptor) throw new Error(`No handler ${method} to declare`);
  Sse(path, { maxPendingDataLength })(prototype, method, descriptor);
}
