import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, send, subscribe } from './support/chat-helpers.js';
import { openAiEnv } from './support/provider-env.js';
import { eventually, postJson } from './support/sse-client.js';

/**
 * Load shedding, driven by a real flood: the fake upstream answers one reply
 * with tens of thousands of chunks at once, which keeps the app's event loop
 * busy for seconds (each socket read brings hundreds of chunks to publish
 * and deliver). The threshold is set low so that the flood passes it on any
 * machine; every check polls with a deadline, none times anything.
 */
describe('overload: new work is shed with 503, running streams go on (e2e)', () => {
  const FLOOD_CHUNKS = 40_000;
  let fake: FakeOpenAi;
  let app: AppProcess;

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    app = await startApp({
      ...openAiEnv(fake),
      OVERLOAD_EVENT_LOOP_DELAY_MS: '5',
      // The flood must not be dropped as a slow consumer's backlog.
      SSE_MAX_PENDING_CHARS: String(256 * 1024 * 1024),
      REPLAY_BUFFER_SIZE: '100',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('refuses new POSTs, /v1 calls and streams while overloaded, keeps the running reply, then accepts again', async () => {
    const flood = Array.from({ length: FLOOD_CHUNKS }, (_, i) => `w${i} `);
    const pollers = {
      refused: async () => {
        const answer = await postJson(`${app.url}/server/send`, {
          messages: [{ role: 'user', content: 'one more' }],
        });
        return answer.status === 503 ? answer : undefined;
      },
      refusedV1: async () => {
        const answer = await fetch(`${app.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-test',
            stream: true,
            messages: [{ role: 'user', content: 'one more' }],
          }),
        });
        if (answer.status === 503) {
          return {
            body: (await answer.json()) as unknown,
            headers: answer.headers,
          };
        }
        await answer.body?.cancel();
        return undefined;
      },
      refusedStream: async () => {
        const answer = await fetch(`${app.url}/server/events`);
        if (answer.status === 503) return (await answer.json()) as unknown;
        await answer.body?.cancel();
        return undefined;
      },
      notReady: async () => {
        const answer = await fetch(`${app.url}/health/ready`);
        const report = (await answer.json()) as {
          details: Record<string, { status: string; message?: string }>;
        };
        return answer.status === 503 ? report : undefined;
      },
    };
    type Seen = {
      [K in keyof typeof pollers]?: NonNullable<
        Awaited<ReturnType<(typeof pollers)[K]>>
      >;
    };
    const seen: Seen = {};
    // Each flood overloads the process for a while; on a busy machine one
    // poller may miss that window, so a flood is sent again (a few at most)
    // until each kind of request has been seen refused.
    for (let round = 0; round < 4 && Object.keys(seen).length < 4; round++) {
      // The last flood's load has passed: a new stream would be refused.
      await eventually(
        async () => (await fetch(`${app.url}/health/ready`)).status === 200,
        60_000,
        'ready again before the next flood',
      );
      fake.enqueue({ type: 'reply', chunks: flood });
      const listener = await subscribe(app, `flooded-${round}`);
      const running = await send(
        app,
        [{ role: 'user', content: 'flood' }],
        `flooded-${round}`,
      );
      // Polled side by side, all while the flood lasts.
      await Promise.all(
        (Object.keys(pollers) as (keyof typeof pollers)[]).map(async (key) => {
          if (seen[key]) return;
          const found = await within(pollers[key], 30_000);
          if (found) (seen as Record<string, unknown>)[key] = found;
        }),
      );
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
      // The reply that was running when the load came goes on to its end.
      const end = await replyOf(listener, running.messageId, 120_000);
      expect(end.event).toBe('done');
      expect(end.deltas).toHaveLength(FLOOD_CHUNKS);
      await listener.close();
    }
    const { refused, refusedV1, refusedStream, notReady } = seen;
    if (!refused || !refusedV1 || !refusedStream || !notReady)
      throw new Error(
        `not seen refused: ${Object.keys(pollers)
          .filter((k) => !(k in seen))
          .join(', ')}`,
      );
    expect(refused.body).toMatchObject({
      statusCode: 503,
      code: 'overloaded',
    });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refusedV1.body).toMatchObject({
      error: { type: 'server_error', code: 'overloaded' },
    });
    expect(refusedV1.headers.get('retry-after')).toBe('1');
    expect(refusedStream).toMatchObject({ code: 'overloaded' });
    expect(notReady.details.load).toMatchObject({
      status: 'down',
      message: 'overloaded',
    });
    // Once the flood is over, new work is accepted again.
    await eventually(
      async () =>
        (
          await postJson(`${app.url}/server/send`, {
            messages: [{ role: 'user', content: 'after' }],
          })
        ).status === 202,
      30_000,
      'POSTs accepted again',
    );
  }, 400_000);
});

/** Polls `attempt` until it gives a value, or gives undefined at the deadline. */
async function within<T>(
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await attempt();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
