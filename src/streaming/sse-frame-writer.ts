import type { CorkableResponse } from './response-corker.js';
import { ResponseCorker } from './response-corker.js';

/** What a frame is written to: a response, or Nest's `SseStream` piped into one. */
export interface FrameDestination {
  write(chunk: string, encoding: BufferEncoding): boolean;
}

/** One for the process: it uncorks every connection written in a turn at once. */
const corker = new ResponseCorker();

/**
 * The one SSE frame writer, under both front doors: the seed route's
 * `@Sse()` streams (through the seam over Nest's `SseStream`) and the `/v1`
 * streams (`CompletionStream`, for chat completions and responses). A frame
 * is already framed (`frameSse`, once per event however many subscribers)
 * and is written as it is; the connection it goes out on is corked for the
 * rest of the turn (`ResponseCorker`), so that what one turn writes to a
 * stream leaves in one socket write.
 *
 * The connection is corked, not the response: since Node 22 a corked
 * `ServerResponse` keeps chunked writes in its own buffer, and `end()`
 * sends the terminating chunk before flushing that buffer, so a stream
 * ended in the turn it was written would lose its last events on Node 24.
 *
 * @returns whether the destination takes more now (`false`: wait for
 * `drain`), as `write()` does.
 */
export function writeFrame(
  destination: FrameDestination,
  frame: string,
  connection: CorkableResponse | null | undefined,
): boolean {
  const accepted = destination.write(frame, 'utf-8');
  if (connection) corker.written(connection);
  return accepted;
}
