import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { postJson, SseClient } from './support/sse-client.js';

const KEY_A = 'sk-global-A-5e4d3c2b1a0f9e8d';
const KEY_B = 'sk-global-B-0f1e2d3c4b5a6978';
const KEY_C = 'sk-global-C-9a8b7c6d5e4f3a2b';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
// Opening streams counts against the key's rate limit too: room for the stream tests.
const RATE_LIMIT = 20;
const STREAMS_PER_KEY = 2;
const PRESENCE_TTL_MS = 1_000;
const AUTH_FAILURE_LIMIT = 4;

describe('limits shared by two instances through Redis (e2e)', () => {
  let redis: RedisServer;
  let env: Record<string, string>;
  let apps: AppProcess[] = [];
  const clients: SseClient[] = [];

  const openStream = async (app: AppProcess, key: string) => {
    const client = await SseClient.open(
      `${app.url}/server/events?conversationId=limits-${randomUUID()}`,
      { headers: bearer(key) },
    );
    clients.push(client);
    return client;
  };

  /** Tries every 200 ms (each try counts against the rate limit) until a stream opens. */
  const untilOpens = async (
    app: AppProcess,
    key: string,
    timeoutMs: number,
    what: string,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = await openStream(app, key);
      if (client.response.status === 200) return;
      expect(await client.response.json()).toMatchObject({
        code: 'too_many_streams_per_client',
      });
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    env = {
      ...redisEnv(redis, 'limits'),
      API_KEYS: `${KEY_A},${KEY_B},${KEY_C}`,
      RATE_LIMIT_MAX: String(RATE_LIMIT),
      RATE_LIMIT_WINDOW_MS: '60000',
      MAX_STREAMS_PER_KEY: String(STREAMS_PER_KEY),
      REDIS_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
      AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
      AUTH_FAILURE_WINDOW_MS: '60000',
    };
    apps = await Promise.all([startApp(env), startApp(env)]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await redis?.dispose();
  });

  it('holds RATE_LIMIT_MAX for a key whose requests alternate between the instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) {
      const answer = await postJson(
        `${apps[i % 2].url}/server/send`,
        { messages: [{ role: 'user', content: `hit ${i}` }] },
        bearer(KEY_A),
      );
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body).toMatchObject({ code: 'rate_limited' });
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    // Per process, each instance would have let all of them through.
    expect(statuses).toEqual([
      ...Array.from({ length: RATE_LIMIT }, () => 202),
      429,
      429,
    ]);
    // Another key has its own count, on either instance.
    const other = await postJson(
      `${apps[1].url}/server/send`,
      { messages: [{ role: 'user', content: 'mine' }] },
      bearer(KEY_B),
    );
    expect(other.status).toBe(202);
  });

  it('holds MAX_STREAMS_PER_KEY across the instances, and frees a slot when a stream closes', async () => {
    const first = await openStream(apps[0], KEY_B);
    const second = await openStream(apps[1], KEY_B);
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    for (const app of apps) {
      const refused = await openStream(app, KEY_B);
      expect(refused.response.status).toBe(429);
      expect(await refused.response.json()).toMatchObject({
        code: 'too_many_streams_per_client',
        message: expect.stringContaining('across all instances') as string,
      });
    }
    await first.close();
    await untilOpens(
      apps[1],
      KEY_B,
      5_000,
      'a slot freed by the closed stream',
    );
  });

  it('stops counting the streams of an instance that died once its lease lapses', async () => {
    const three = await startApp(env);
    try {
      const held = await Promise.all([
        openStream(three, KEY_C),
        openStream(three, KEY_C),
      ]);
      expect(held.map((c) => c.response.status)).toEqual([200, 200]);
      const refused = await openStream(apps[0], KEY_C);
      expect(refused.response.status).toBe(429);
      await three.stop('SIGKILL');
      const killedAt = Date.now();
      await untilOpens(
        apps[0],
        KEY_C,
        PRESENCE_TTL_MS * 5,
        "the dead instance's streams to stop counting",
      );
      expect(Date.now() - killedAt).toBeLessThan(PRESENCE_TTL_MS * 3);
    } finally {
      await three.stop();
    }
  });

  // Last: it locks this address out of both instances for the window.
  it('holds AUTH_FAILURE_LIMIT for an address whose wrong keys alternate between the instances', async () => {
    const attempt = (i: number, key: string) =>
      postJson(
        `${apps[i % 2].url}/server/send`,
        { messages: [{ role: 'user', content: 'guess' }] },
        bearer(key),
      );
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++)
      statuses.push(
        (await attempt(i, `sk-wrong-${i}-0123456789abcdef`)).status,
      );
    // Per process, each instance would have seen only half of them.
    expect(statuses).toEqual(
      Array.from({ length: AUTH_FAILURE_LIMIT }, () => 401),
    );
    for (const i of [0, 1]) {
      const limited = await attempt(i, KEY_A);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
