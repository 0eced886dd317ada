import { startApp, type AppProcess } from '../support/app-process.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { eventually } from '../support/sse-client.js';
import { callAs, sendAs } from '../support/tenants.js';

const KEY = 'state-key-0123456789abcdef';

/**
 * Issue #24, finding 9: with Redis down, `GET /server/conversations/:id`
 * answered 500 and the public `/health/ready` named the Redis host. A state
 * backend failure is now a 503 with a stable code, and readiness says which
 * check failed without an address.
 */
describe('an unreachable state backend (e2e)', () => {
  let redis: RedisServer;
  let app: AppProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
    app = await startApp({
      API_KEYS: KEY,
      EVENT_BUS: 'redis',
      REDIS_URL: redis.url,
      MOCK_DELAY_MS: '0',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.dispose();
  });

  it('answers 503 state_unavailable and keeps hosts out of the public readiness report', async () => {
    const id = `outage-${Date.now()}`;
    expect((await sendAs(app, KEY, id, 'before')).status).toBe(202);
    await redis.stop('SIGKILL');
    try {
      await eventually(
        async () => (await fetch(`${app.url}/health/ready`)).status === 503,
        15_000,
        'not ready',
      );
      const read = await callAs(app, KEY, 'GET', `/server/conversations/${id}`);
      expect(read).toMatchObject({
        status: 503,
        body: { code: 'state_unavailable' },
      });
      const removed = await callAs(
        app,
        KEY,
        'DELETE',
        `/server/conversations/${id}`,
      );
      expect(removed.status).toBe(503);

      const report = await (await fetch(`${app.url}/health/ready`)).text();
      expect(report).toContain('bus');
      expect(report).not.toContain(String(redis.port));
      expect(report).not.toContain('127.0.0.1');
      expect(app.output()).not.toMatch(/\n\s+at /);
    } finally {
      await redis.start();
    }
  });
});
