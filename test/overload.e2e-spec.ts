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
    fake.enqueue({ type: 'reply', chunks: flood });
    const listener = await subscribe(app, 'flooded');
    const running = await send(
      app,
      [{ role: 'user', content: 'flood' }],
      'flooded',
    );

    // Polled side by side, all while the flood lasts.
    const [refused, refusedV1, refusedStream, notReady] = await Promise.all([
      until(async () => {
        const answer = await postJson(`${app.url}/server/send`, {
          messages: [{ role: 'user', content: 'one more' }],
        });
        return answer.status === 503 ? answer : undefined;
      }, 'a refused POST'),
      until(async () => {
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
      }, 'a refused /v1 call'),
      until(async () => {
        const answer = await fetch(`${app.url}/server/events`);
        if (answer.status === 503) return answer.json();
        await answer.body?.cancel();
        return undefined;
      }, 'a refused stream'),
      until(async () => {
        const answer = await fetch(`${app.url}/health/ready`);
        const report = (await answer.json()) as {
          details: Record<string, { status: string; message?: string }>;
        };
        return answer.status === 503 ? report : undefined;
      }, 'readiness down'),
    ]);
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
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);

    // The reply that was running when the load came goes on to its end.
    const end = await replyOf(listener, running.messageId, 120_000);
    expect(end.event).toBe('done');
    expect(end.deltas).toHaveLength(FLOOD_CHUNKS);
    await listener.close();

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
  }, 180_000);
});

/** Polls `attempt` until it gives a value, with a deadline. */
async function until<T>(
  attempt: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  let found: T | undefined;
  await eventually(
    async () => (found = await attempt()) !== undefined,
    timeoutMs,
    what,
  );
  return found!;
}
