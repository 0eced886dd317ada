import type { AppProcess } from './app-process.js';
import type { Accepted } from './chat-helpers.js';
import {
  postJson,
  SseClient,
  type ReceivedEvent,
  type SseOpenOptions,
} from './sse-client.js';

/** A user message whose echoed reply (mock model) streams for a while. */
export const LONG_MESSAGE = Array.from(
  { length: 150 },
  (_, i) => `word${i}`,
).join(' ');

/** Events that belong to the conversation's stream (not the per-subscriber `ready`/`reset`). */
export const storedEvents = (events: ReceivedEvent[]) =>
  events.filter((e) => e.event !== 'ready' && e.event !== 'reset');

/** Posts one user message to a conversation; the caller checks the status. */
export const postMessage = (
  app: AppProcess,
  conversationId: string,
  content: string,
) =>
  postJson<Accepted>(`${app.url}/server/send`, {
    conversationId,
    messages: [{ role: 'user', content }],
  });

/**
 * The conversation streams a spec opens, on any of its instances, kept so
 * that `closeAll()` (in the spec's `afterEach` or `afterAll`) closes them.
 */
export class ConversationStreams {
  private readonly clients: SseClient[] = [];

  /** Opens `/server/events` of a conversation on `app`, whatever the answer. */
  open = async (
    app: AppProcess,
    conversationId: string,
    options?: SseOpenOptions,
  ): Promise<SseClient> => {
    const client = await SseClient.open(
      `${app.url}/server/events?conversationId=${conversationId}`,
      options,
    );
    this.clients.push(client);
    return client;
  };

  /** Opens it, expects 200 and waits for `ready`. */
  ready = async (
    app: AppProcess,
    conversationId: string,
    options?: SseOpenOptions,
  ): Promise<SseClient> => {
    const client = await this.open(app, conversationId, options);
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => c.ofType('ready').length > 0, 5_000, 'ready');
    return client;
  };

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }
}
