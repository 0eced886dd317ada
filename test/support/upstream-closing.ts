import type { FakeUpstream, RecordedRequest } from '../fakes/fake-upstream.js';
import type { AppProcess } from './app-process.js';
import { replyOf, send } from './chat-helpers.js';
import { postJson, type SseClient } from './sse-client.js';

/** What the checks below need of a provider spec: its app, its fake, its subscriber. */
export interface UpstreamUnderTest {
  app: AppProcess;
  fake: FakeUpstream & { chatRequests: RecordedRequest[] };
  open: (conversationId: string) => Promise<SseClient>;
}

/** Starts a long reply in `conversationId` and waits for its first delta. */
async function startLongReply(
  { app, fake, open }: UpstreamUnderTest,
  conversationId: string,
): Promise<{ client: SseClient; messageId: string }> {
  const client = await open(conversationId);
  fake.enqueue({
    type: 'reply',
    chunks: Array(50).fill(' word'),
    chunkDelayMs: 100,
  });
  const { messageId } = await send(
    app,
    [{ role: 'user', content: 'long' }],
    conversationId,
  );
  await client.waitFor(
    (c) =>
      c
        .json<{ messageId: string }>('delta')
        .some((d) => d.messageId === messageId),
    5_000,
    'first delta',
  );
  return { client, messageId };
}

const upstreamClosed = (fake: UpstreamUnderTest['fake']) =>
  fake.waitFor(() => fake.chatRequests[0].closedEarly, 5_000, 'request closed');

/** The upstream request is closed when the reply's last listener leaves. */
export async function expectUpstreamClosedWhenListenerLeaves(
  under: UpstreamUnderTest,
  conversationId: string,
): Promise<void> {
  const { client } = await startLongReply(under, conversationId);
  await client.close();
  await upstreamClosed(under.fake);
}

/** The upstream request is closed when the reply is cancelled, which ends `cancelled`. */
export async function expectUpstreamClosedWhenCancelled(
  under: UpstreamUnderTest,
  conversationId: string,
): Promise<void> {
  const { client, messageId } = await startLongReply(under, conversationId);
  const cancel = await postJson(
    `${under.app.url}/server/conversations/${conversationId}/cancel`,
    {},
  );
  expect(cancel.status).toBeLessThan(300);
  const reply = await replyOf(client, messageId);
  expect(reply.event).toBe('done');
  expect(reply.finishReason).toBe('cancelled');
  await upstreamClosed(under.fake);
}
