import type { AppProcess } from './app-process.js';
import { postJson, SseClient, type ReceivedEvent } from './sse-client.js';

export interface Accepted {
  conversationId: string;
  messageId: string;
}

/** The `done` or `error` event of a reply, with its data parsed. */
export interface ReplyEnd {
  event: 'done' | 'error';
  messageId: string;
  text: string;
  finishReason?: string;
  usage?: {
    promptTokens: number;
    completionTokens: number;
    totalTokens: number;
  };
  cancelReason?: string;
  code?: string;
  message?: string;
  details?: { upstreamCode?: string | number };
}

/** Opens `/server/events` (of a conversation) and waits for `ready`. */
export async function subscribe(
  app: AppProcess,
  conversationId?: string,
): Promise<SseClient> {
  const query = conversationId ? `?conversationId=${conversationId}` : '';
  const client = await SseClient.open(`${app.url}/server/events${query}`);
  await client.waitFor((c) => c.ofType('ready').length > 0, 5_000, 'ready');
  return client;
}

/** POSTs messages and expects 202. */
export async function send(
  app: AppProcess,
  messages: { role: 'user' | 'assistant'; content: string }[],
  conversationId?: string,
): Promise<Accepted> {
  const answer = await postJson<Accepted>(`${app.url}/server/send`, {
    messages,
    ...(conversationId ? { conversationId } : {}),
  });
  if (answer.status !== 202) {
    throw new Error(
      `send answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** Waits for the end of a reply; returns it with the texts of its deltas. */
export async function replyOf(
  client: SseClient,
  messageId: string,
  timeoutMs = 10_000,
): Promise<ReplyEnd & { deltas: string[] }> {
  const end = await client.waitForEnd(messageId, timeoutMs);
  const deltas = client
    .json<{ messageId: string; text: string }>('delta')
    .filter((d) => d.messageId === messageId)
    .map((d) => d.text);
  return {
    event: end.event as ReplyEnd['event'],
    ...(JSON.parse(end.data) as Omit<ReplyEnd, 'event'>),
    deltas,
  };
}

/** Sends one user message to a conversation and waits for its reply on `client`. */
export async function ask(
  app: AppProcess,
  client: SseClient,
  conversationId: string,
  content: string,
): Promise<ReplyEnd & { deltas: string[] }> {
  const { messageId } = await send(
    app,
    [{ role: 'user', content }],
    conversationId,
  );
  return replyOf(client, messageId);
}

/**
 * Waits for the end of a reply and for the unnamed `message` event published
 * right after its `done`; returns both with the texts of its deltas.
 */
export async function replyWithUnnamed(
  client: SseClient,
  messageId: string,
): Promise<{ end: ReceivedEvent; unnamed: ReceivedEvent; deltas: string[] }> {
  const end = await client.waitForEnd(messageId);
  const at = client.events.indexOf(end);
  const isUnnamed = (e: ReceivedEvent) => e.event === 'message';
  await client.waitFor(
    (c) => c.events.slice(at + 1).some(isUnnamed),
    5_000,
    'the unnamed message event',
  );
  const unnamed = client.events.slice(at + 1).find(isUnnamed)!;
  const deltas = client
    .json<{ messageId: string; text: string }>('delta')
    .filter((d) => d.messageId === messageId)
    .map((d) => d.text);
  return { end, unnamed, deltas };
}
