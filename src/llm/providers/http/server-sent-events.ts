import { createParser, type EventSourceMessage } from 'eventsource-parser';

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
 * The events of a `text/event-stream` body, parsed by `eventsource-parser`
 * (the WHATWG algorithm, whatever the chunking), from a WHATWG or a Node
 * stream. Returning early, or the consumer stopping, cancels or destroys the
 * body and so closes the connection.
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array>,
  options: ReadEventsOptions = {},
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  let failure: Error | undefined;
  const parser = createParser({
    onEvent: (event) => pending.push(event),
    onError: (error) => {
      if (error.type === 'unknown-field' && error.line !== undefined) {
        options.onStrayLine?.(error.line);
      } else if (error.type !== 'invalid-retry') {
        failure ??= new ServerSentEventsError(error.message);
      }
    },
    maxBufferSize: options.maxEventChars ?? 1_000_000,
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (failure) throw failure;
    while (pending.length > 0) yield pending.shift()!;
  }
  // At the end, blank lines complete a last event or stray line that lacks
  // its terminator, which the WHATWG algorithm would drop silently.
  parser.feed(`${decoder.decode()}\n\n`);
  if (failure) throw failure;
  while (pending.length > 0) yield pending.shift()!;
}
