import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseOpenOptions {
  headers?: Record<string, string>;
  /** Sent as `Last-Event-ID`, as EventSource does on reconnection. */
  lastEventId?: string;
  /** Do not read the body (a stalled client), to test back-pressure. */
  signal?: AbortSignal;
}

/**
 * A real SSE client over `fetch`: it reads the response body as it arrives
 * and parses it with `eventsource-parser` (a spec-compliant parser), keeping
 * events, comments and `retry` values for assertions.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  readonly retries: number[] = [];
  /** Terminal events (`done`/`error`) by reply id, indexed as they arrive. */
  private readonly ends = new Map<string, ReceivedEvent>();
  raw = '';
  ended = false;
  private readonly waiters = new Set<() => void>();
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  private constructor(readonly response: Response) {}

  static async open(
    url: string,
    options: SseOpenOptions = {},
  ): Promise<SseClient> {
    const controller = new AbortController();
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      ...options.headers,
    };
    if (options.lastEventId) headers['Last-Event-ID'] = options.lastEventId;
    const response = await fetch(url, { headers, signal: controller.signal });
    const client = new SseClient(response);
    client.controller.signal.addEventListener('abort', () =>
      controller.abort(),
    );
    // A stream cut by the server (shutdown, dropped slow client) just ends.
    if (response.ok && response.body)
      client.done = client.read(response.body).catch(() => undefined);
    return client;
  }

  /** Named events of one type (the unnamed ones are `message`). */
  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((e) => e.event === type);
  }

  json<T = Record<string, unknown>>(type: string): T[] {
    return this.ofType(type).map((e) => JSON.parse(e.data) as T);
  }

  get lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i].id) return this.events[i].id;
    }
    return undefined;
  }

  /** Resolves once `predicate` holds, re-checked on every event; rejects after `timeoutMs`. */
  async waitFor(
    predicate: (client: SseClient) => boolean,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<void> {
    if (predicate(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        } else if (this.ended) {
          clearTimeout(timer);
          this.waiters.delete(check);
          reject(
            new Error(
              `stream ended before ${what}; got:\n${this.raw.slice(-2000)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${what}; got:\n${this.raw.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits for the terminal event (`done` or `error`) of a reply. */
  async waitForEnd(
    messageId: string,
    timeoutMs = 10_000,
  ): Promise<ReceivedEvent> {
    await this.waitFor(
      (c) => c.ends.has(messageId),
      timeoutMs,
      `end of ${messageId}`,
    );
    return this.ends.get(messageId)!;
  }

  close(): Promise<void> {
    this.controller.abort();
    return this.done.catch(() => undefined);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (message: EventSourceMessage) => {
        const event = {
          id: message.id,
          event: message.event ?? 'message',
          data: message.data,
        };
        this.events.push(event);
        if (event.event === 'done' || event.event === 'error') {
          const { messageId } = JSON.parse(event.data) as {
            messageId?: string;
          };
          if (messageId && !this.ends.has(messageId))
            this.ends.set(messageId, event);
        }
        this.notify();
      },
      onComment: (comment) => {
        this.comments.push(comment);
        this.notify();
      },
      onRetry: (retry) => this.retries.push(retry),
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        this.raw += text;
        parser.feed(text);
      }
    } catch {
      // The connection broke (the server died): the stream ends, as it does
      // for EventSource; `ended` tells the test.
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

/** Polls `check` until it returns true or the deadline passes (no fixed sleeps). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
