import type { AppProcess } from './app-process.js';
import { SseClient, type ReceivedEvent } from './sse-client.js';

/**
 * Follows a conversation as `EventSource` does: whenever its stream ends
 * (`bus_unavailable` during a failover), it reconnects with the last id it
 * received and carries on. `events` are the conversation's own events from
 * every connection, in order; `connections` counts them, `resets` the times
 * its position could not be resumed.
 */
export class ResumingSubscriber {
  readonly events: ReceivedEvent[] = [];
  connections = 0;
  /** `reset` events: the position was lost (events gone), the client reloads. */
  resets = 0;
  private current?: SseClient;
  private lastEventId?: string;
  private closed = false;

  constructor(
    private readonly app: AppProcess,
    private readonly conversationId: string,
  ) {}

  async open(): Promise<void> {
    const client = await SseClient.open(
      `${this.app.url}/server/events?conversationId=${this.conversationId}`,
      this.lastEventId ? { lastEventId: this.lastEventId } : {},
    );
    this.connections++;
    this.current = client;
    if (client.response.status !== 200) return;
    await client.waitFor((c) => c.ofType('ready').length > 0, 10_000, 'ready');
  }

  /** Waits for the end (`done`/`error`) of a reply, reconnecting as often as needed. */
  async waitForEnd(
    messageId: string,
    timeoutMs: number,
  ): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.collect();
      const end = this.events.find(
        (e) =>
          (e.event === 'done' || e.event === 'error') &&
          (JSON.parse(e.data) as { messageId?: string }).messageId ===
            messageId,
      );
      if (end) return end;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for the end of ${messageId}`);
      const client = this.current!;
      if (client.ended || client.response.status !== 200) {
        await client.close();
        // EventSource waits `retry` before reconnecting; a short pause will do.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.open().catch(() => undefined);
        continue;
      }
      await client
        .waitFor(
          (c) => c.ended || c.events.length > this.seen(c),
          Math.max(1, deadline - Date.now()),
        )
        .catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current?.close();
  }

  private readonly taken = new WeakMap<SseClient, number>();

  private seen(client: SseClient): number {
    return this.taken.get(client) ?? 0;
  }

  /** Moves the new events of the current connection into `events`. */
  private collect(): void {
    const client = this.current;
    if (!client || this.closed) return;
    const fresh = client.events.slice(this.seen(client));
    this.taken.set(client, client.events.length);
    for (const event of fresh) {
      if (event.id) this.lastEventId = event.id;
      if (event.event === 'ready') continue;
      if (event.event === 'reset') {
        this.resets++;
        continue;
      }
      if (
        event.event === 'error' &&
        (JSON.parse(event.data) as { code?: string }).code === 'bus_unavailable'
      )
        continue;
      this.events.push(event);
    }
  }
}
