import { randomUUID } from 'node:crypto';
import {
  startApp,
  startAppExpectingFailure,
  type AppProcess,
} from './support/app-process.js';
import {
  freePort,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { eventually, postJson, SseClient } from './support/sse-client.js';
import {
  ConversationStreams,
  postMessage,
} from './support/conversation-streams.js';

const LONG = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

describe('start-up with EVENT_BUS=redis', () => {
  it('refuses to start without REDIS_URL and names it', async () => {
    const { code, output } = await startAppExpectingFailure({
      EVENT_BUS: 'redis',
    });
    expect(code).toBe(1);
    expect(output).toContain('REDIS_URL');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('fails fast when Redis is unreachable, naming REDIS_URL without its credentials', async () => {
    const port = await freePort();
    const started = Date.now();
    const { code, output } = await startAppExpectingFailure({
      EVENT_BUS: 'redis',
      REDIS_URL: `redis://admin:hunter2@127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(output).toContain(
      `Cannot reach Redis at redis://127.0.0.1:${port} (REDIS_URL)`,
    );
    expect(output).not.toContain('hunter2');
    expect(output).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('Redis killed and restarted under two instances (e2e)', () => {
  let redis: RedisServer;
  let one: AppProcess;
  let two: AppProcess;
  const streams = new ConversationStreams();
  const { open, ready } = streams;
  const send = postMessage;
  const busUnavailable = (client: SseClient) =>
    client
      .json<{ code?: string }>('error')
      .some((e) => e.code === 'bus_unavailable');

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = {
      EVENT_BUS: 'redis',
      REDIS_URL: redis.url,
      MOCK_DELAY_MS: '3',
      SHUTDOWN_GRACE_MS: '500',
    };
    [one, two] = await Promise.all([startApp(env), startApp(env)]);
  });
  afterAll(async () => {
    await streams.closeAll();
    await Promise.all([one?.stop(), two?.stop()]);
    await redis?.dispose();
  });

  it('ends open streams with bus_unavailable, refuses new replies, then works again and resumes', async () => {
    const id = `outage-${randomUUID()}`;
    const remote = await ready(two, id);
    const idle = await ready(one, `idle-${randomUUID()}`);
    const running = await send(one, id, LONG);
    expect(running.status).toBe(202);
    await remote.waitFor((c) => c.ofType('delta').length > 2, 10_000);

    await redis.stop('SIGKILL');
    for (const client of [remote, idle]) {
      await client.waitFor(busUnavailable, 10_000, 'bus_unavailable');
      // The stream ends, so that EventSource reconnects with Last-Event-ID.
      await client.waitFor((c) => c.ended, 5_000, 'the end of the stream');
    }
    const [error] = remote.ofType('error');
    const lastDelta = remote.ofType('delta').at(-1)!;
    expect(error.id).toBe(lastDelta.id);
    expect(JSON.parse(error.data)).toEqual({
      code: 'bus_unavailable',
      message: expect.any(String) as string,
    });
    // A stream opened meanwhile ends at once, at the position it asked for.
    const during = await open(one, id, { lastEventId: error.id });
    await during.waitFor((c) => c.ended, 5_000, 'the end of the stream');
    expect(during.events.map((e) => [e.event, e.id])).toEqual([
      ['error', error.id],
    ]);
    const refused = await send(two, `other-${randomUUID()}`, 'hello?');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'bus_unavailable' });

    await redis.start();
    // Each instance reconnects on its own backoff: wait for both.
    for (const instance of [one, two]) {
      await eventually(
        async () =>
          (
            await postJson(`${instance.url}/server/send`, {
              messages: [{ role: 'user', content: 'back?' }],
            })
          ).status === 202,
        20_000,
        'POST accepted after the restart',
      );
    }

    // The client that saw the error reconnects where it stood; Redis came
    // back empty, so it is told to reload rather than silently missing events.
    const back = await ready(two, id, { lastEventId: error.id });
    await back.waitFor((c) => c.ofType('reset').length === 1, 5_000, 'reset');

    const fresh = `after-${randomUUID()}`;
    const reference = await ready(two, fresh);
    const leaving = await ready(two, fresh);
    const sent = await send(
      one,
      fresh,
      `after the restart ${LONG.slice(0, 200)}`,
    );
    expect(sent.status).toBe(202);
    await leaving.waitFor((c) => c.ofType('delta').length >= 5, 10_000);
    await leaving.close();
    const resumed = await ready(one, fresh, {
      lastEventId: leaving.lastEventId,
    });
    await Promise.all(
      [reference, resumed].map((c) =>
        c.waitForEnd(sent.body.messageId, 15_000),
      ),
    );
    await Promise.all(
      [reference, resumed].map((c) =>
        c.waitFor((x) => x.ofType('message').length === 1, 5_000),
      ),
    );
    const stream = reference.events.filter((e) => e.event !== 'ready');
    const missed = stream.slice(
      stream.findIndex((e) => e.id === leaving.lastEventId) + 1,
    );
    expect(resumed.events.filter((e) => e.event !== 'ready')).toEqual(missed);
    expect(one.child.exitCode).toBeNull();
    expect(two.child.exitCode).toBeNull();
  });
});
