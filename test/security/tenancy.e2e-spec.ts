import { startApp, type AppProcess } from '../support/app-process.js';
import type { Accepted } from '../support/chat-helpers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postJson, SseClient } from '../support/sse-client.js';
import { keyIdOf } from '../support/tenants.js';

const KEY_A = 'tenant-a-0123456789abcdef';
const KEY_B = 'tenant-b-0123456789abcdef';
const ADMIN = 'operator-0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const user = (content: string) => [{ role: 'user', content }];

/** Every test conversation gets a fresh id: tests of one app never share one. */
let counter = 0;
const freshId = (name: string) => `${name}-${Date.now()}-${++counter}`;

async function call(
  app: AppProcess,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...bearer(key), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const sendAs = (
  app: AppProcess,
  key: string,
  conversationId: string,
  content: string,
) =>
  call(app, 'POST', '/server/send', key, {
    conversationId,
    messages: user(content),
  });

const cancelAs = (app: AppProcess, key: string, conversationId: string) =>
  call(app, 'POST', `/server/conversations/${conversationId}/cancel`, key, {});

/**
 * Issue #14, finding 1: with keys A and B, B must not read, stream, resume,
 * cancel, delete or post to A's conversation, nor see or stop A's replies in
 * the default conversation. Run against both buses.
 */
describe.each([
  ['memory', false],
  ['redis', true],
])('tenants are separated (%s bus)', (_bus, withRedis) => {
  let redis: RedisServer | undefined;
  let app: AppProcess;
  const clients: SseClient[] = [];
  const env = () => ({
    API_KEYS: `${KEY_A},${KEY_B}`,
    ADMIN_API_KEYS: ADMIN,
    // Slow enough that a reply is still running when the other key acts.
    MOCK_DELAY_MS: '40',
    ...(redis ? { EVENT_BUS: 'redis', REDIS_URL: redis.url } : {}),
  });
  const stream = async (
    key: string,
    query: string,
    lastEventId?: string,
  ): Promise<SseClient> => {
    const client = await SseClient.open(`${app.url}/server/events${query}`, {
      headers: bearer(key),
      lastEventId,
    });
    clients.push(client);
    return client;
  };
  const ready = (client: SseClient) =>
    client.waitFor((c) => c.ofType('ready').length > 0, 10_000, 'ready');
  const readyStream = async (key: string, query: string) => {
    const client = await stream(key, query);
    await ready(client);
    return client;
  };

  beforeAll(async () => {
    if (withRedis) redis = await startRedisServer();
    app = await startApp(env());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.dispose();
  });

  it("keeps all six operations of key B on A's id away from A's conversation (B only reaches its own)", async () => {
    const id = freshId('demo');
    const watcher = await readyStream(KEY_A, `?conversationId=${id}`);
    const first = await sendAs(app, KEY_A, id, 'secret plans');
    expect(first.status).toBe(202);
    const { messageId } = first.body as unknown as Accepted;
    await watcher.waitForEnd(messageId, 20_000);
    const resumeFrom = watcher.events.find((e) => e.event === 'ready')!.id!;

    const notFound = { code: 'conversation_not_found' };
    const read = await call(app, 'GET', `/server/conversations/${id}`, KEY_B);
    expect(read).toMatchObject({ status: 404, body: notFound });
    // The same answer as for an id nobody uses.
    const unused = await call(
      app,
      'GET',
      `/server/conversations/nobody-${id}`,
      KEY_B,
    );
    expect(unused.body?.message).toBe(
      String(read.body?.message).replace(id, `nobody-${id}`),
    );

    // Ids are a namespace per key (issue #24, finding 5): B's streams are of
    // B's own conversation with this id, and hear nothing of A's.
    const live = await readyStream(KEY_B, `?conversationId=${id}`);
    const resumed = await stream(KEY_B, `?conversationId=${id}`, resumeFrom);
    expect(resumed.response.status).toBe(200);
    const resumedByQuery = await stream(
      KEY_B,
      `?conversationId=${id}&lastEventId=${resumeFrom}`,
    );
    expect(resumedByQuery.response.status).toBe(200);

    // A reply is running while B tries to stop it.
    const running = await sendAs(app, KEY_A, id, 'a long answer please');
    expect(running.status).toBe(202);
    const runningId = (running.body as unknown as Accepted).messageId;
    const cancel = await cancelAs(app, KEY_B, id);
    expect(cancel).toMatchObject({ status: 404, body: notFound });
    const overwrite = await call(app, 'POST', '/server/send', KEY_B, {
      conversationId: id,
      messages: [
        { role: 'user', content: 'forged' },
        { role: 'assistant', content: 'forged' },
        { role: 'user', content: 'forged' },
      ],
    });
    // B's own conversation with this id: A's is untouched.
    expect(overwrite.status).toBe(202);
    const forgedId = (overwrite.body as unknown as Accepted).messageId;
    await live.waitForEnd(forgedId, 30_000);
    const removed = await call(
      app,
      'DELETE',
      `/server/conversations/${id}`,
      KEY_B,
    );
    expect(removed.status).toBe(204);

    const end = JSON.parse(
      (await watcher.waitForEnd(runningId, 30_000)).data,
    ) as { finishReason: string };
    expect(end.finishReason).toBe('stop');
    const mine = await call(app, 'GET', `/server/conversations/${id}`, KEY_A);
    expect(mine.status).toBe(200);
    const turns = (mine.body as { turns: { content: string }[] }).turns;
    expect(turns.map((t) => t.content)).toContain('secret plans');
    expect(turns.map((t) => t.content)).not.toContain('forged');
    for (const client of [live, resumed, resumedByQuery]) {
      expect(client.raw).not.toContain('secret plans');
      expect(client.raw).not.toContain(runningId);
    }
    expect(watcher.raw).not.toContain(forgedId);
  });

  it('does not let B subscribing first to an id stop A from using it (issue #24, finding 5)', async () => {
    const id = freshId('squat');
    const squatter = await readyStream(KEY_B, `?conversationId=${id}`);
    const posted = await sendAs(app, KEY_A, id, 'hello');
    expect(posted.status).toBe(202);
    expect(
      (await call(app, 'GET', `/server/conversations/${id}`, KEY_A)).status,
    ).toBe(200);
    expect(squatter.ofType('delta')).toHaveLength(0);
  });

  it("keeps each key's default conversation to itself: B neither sees nor cancels A's replies", async () => {
    const a = await stream(KEY_A, '');
    const b = await stream(KEY_B, '');
    await Promise.all([ready(a), ready(b)]);
    expect(b.json<{ conversationId: string }>('ready')[0].conversationId).toBe(
      'default',
    );
    const posted = await call(app, 'POST', '/server/send', KEY_A, {
      messages: user('only for A'),
    });
    expect(posted.status).toBe(202);
    const { messageId } = posted.body as unknown as Accepted;
    await a.waitFor((c) => c.ofType('delta').length > 0, 10_000, 'a delta');
    const cancel = await cancelAs(app, KEY_B, 'default');
    expect(cancel.status).toBe(202);
    const end = JSON.parse((await a.waitForEnd(messageId, 30_000)).data) as {
      finishReason: string;
    };
    expect(end.finishReason).toBe('stop');
    expect(b.ofType('delta')).toHaveLength(0);
    expect(b.ofType('done')).toHaveLength(0);
  });

  it("refuses a token B minted without a conversation on A's id, and B's token for A's id opens B's own conversation", async () => {
    const id = freshId('tokened');
    await readyStream(KEY_A, `?conversationId=${id}`);
    const unbound = await call(app, 'POST', '/server/stream-tokens', KEY_B, {});
    expect(unbound.status).toBe(200);
    expect(unbound.body?.conversationId).toBe('default');
    const token = encodeURIComponent(String(unbound.body?.token));
    const withUnbound = await fetch(
      `${app.url}/server/events?conversationId=${id}&streamToken=${token}`,
    );
    expect(withUnbound.status).toBe(403);
    await withUnbound.body?.cancel();
    const bound = await call(app, 'POST', '/server/stream-tokens', KEY_B, {
      conversationId: id,
    });
    const withBound = await fetch(
      `${app.url}/server/events?conversationId=${id}&streamToken=${encodeURIComponent(String(bound.body?.token))}`,
    );
    // B's conversation with that id (ids are per key): nothing of A's.
    expect(withBound.status).toBe(200);
    await withBound.body?.cancel();
  });

  it('lets an admin key read, stream and cancel any conversation by naming its owner, but not delete it', async () => {
    const id = freshId('audited');
    const owner = await readyStream(KEY_A, `?conversationId=${id}`);
    const running = await sendAs(app, KEY_A, id, 'keep talking');
    const { messageId } = running.body as unknown as Accepted;
    const ofA = `owner=${keyIdOf(KEY_A)}`;
    const admin = await readyStream(ADMIN, `?conversationId=${id}&${ofA}`);
    expect(
      (await call(app, 'GET', `/server/conversations/${id}?${ofA}`, ADMIN))
        .status,
    ).toBe(200);
    expect(
      (await call(app, 'DELETE', `/server/conversations/${id}?${ofA}`, ADMIN))
        .status,
    ).toBe(403);
    const cancel = await call(
      app,
      'POST',
      `/server/conversations/${id}/cancel?${ofA}`,
      ADMIN,
      {},
    );
    expect(cancel.status).toBe(202);
    const end = JSON.parse(
      (await owner.waitForEnd(messageId, 30_000)).data,
    ) as { finishReason: string };
    expect(end.finishReason).toBe('cancelled');
    // The admin's stream is the owner's: it sees the same reply end.
    expect((await admin.waitForEnd(messageId, 30_000)).data).toBe(
      (await owner.waitForEnd(messageId)).data,
    );
  });

  it.runIf(withRedis)(
    'keeps ownership across a restart (Redis mode)',
    async () => {
      const id = freshId('durable');
      const created = await sendAs(app, KEY_A, id, 'remember me');
      expect(created.status).toBe(202);
      await app.stop();
      app = await startApp(env());
      expect(
        (await call(app, 'GET', `/server/conversations/${id}`, KEY_B)).status,
      ).toBe(404);
      expect(
        (await call(app, 'GET', `/server/conversations/${id}`, KEY_A)).status,
      ).toBe(200);
    },
  );

  // Last of its group: Redis restarts empty.
  it.runIf(withRedis)(
    'lets no event through to another key while Redis is down (the stream only says to reconnect)',
    async () => {
      const id = freshId('outage');
      const owner = await readyStream(KEY_A, `?conversationId=${id}`);
      const sent = await sendAs(app, KEY_A, id, 'during the outage');
      await owner.waitForEnd((sent.body as unknown as Accepted).messageId);
      await redis!.stop('SIGKILL');
      const intruder = await stream(KEY_B, `?conversationId=${id}`, '0-0');
      expect(intruder.response.status).toBe(200);
      await intruder.waitFor((c) => c.ended, 10_000, 'the end of the stream');
      expect(intruder.events.map((e) => e.event)).toEqual(['error']);
      expect(intruder.json<{ code: string }>('error')[0].code).toBe(
        'bus_unavailable',
      );
      await redis!.start();
    },
  );
});

describe('an evicted conversation id taken by another key', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      API_KEYS: `${KEY_A},${KEY_B}`,
      MAX_CONVERSATIONS: '1',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it("sends the new owner's replies to the new owner only, never to the first owner's open stream", async () => {
    const open = async (key: string, id: string) => {
      const client = await SseClient.open(
        `${app.url}/server/events?conversationId=${id}`,
        { headers: bearer(key) },
      );
      await client.waitFor((c) => c.ofType('ready').length > 0);
      return client;
    };
    const id = freshId('recycled');
    const first = await open(KEY_A, id);
    const second = await open(KEY_A, `${id}-next`);
    try {
      const mine = await sendAs(app, KEY_A, id, 'first owner');
      await first.waitForEnd((mine.body as unknown as Accepted).messageId);
      // MAX_CONVERSATIONS=1: the next conversation evicts the first.
      const next = await sendAs(app, KEY_A, `${id}-next`, 'evicts the first');
      await second.waitForEnd((next.body as unknown as Accepted).messageId);
      expect(
        (await call(app, 'GET', `/server/conversations/${id}`, KEY_A)).status,
      ).toBe(404);

      const taken = await open(KEY_B, id);
      try {
        const theirs = await sendAs(app, KEY_B, id, 'second owner');
        expect(theirs.status).toBe(202);
        const { messageId } = theirs.body as unknown as Accepted;
        await taken.waitForEnd(messageId);
        expect(
          first.ofType('delta').filter((e) => e.data.includes(messageId)),
        ).toEqual([]);
        expect(first.ofType('done')).toHaveLength(1);
      } finally {
        await taken.close();
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('open mode keeps one shared principal', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({});
  });
  afterAll(async () => {
    await app.stop();
  });

  it('serves every caller the same conversations and default channel, as before', async () => {
    const id = freshId('shared');
    const client = await SseClient.open(
      `${app.url}/server/events?conversationId=${id}`,
    );
    try {
      await client.waitFor((c) => c.ofType('ready').length > 0);
      const sent = await postJson<Accepted>(`${app.url}/server/send`, {
        conversationId: id,
        messages: user('hi'),
      });
      expect(sent.status).toBe(202);
      await client.waitForEnd(sent.body.messageId);
      const read = await fetch(`${app.url}/server/conversations/${id}`);
      expect(read.status).toBe(200);
    } finally {
      await client.close();
    }
  });
});
