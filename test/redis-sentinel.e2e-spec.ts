import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, send, subscribe } from './support/chat-helpers.js';
import {
  expectNothingLost,
  postThroughFailover,
} from './support/failover-check.js';
import { until } from './support/redis-cluster.js';
import {
  startRedisSentinel,
  type RedisSentinelSetup,
} from './support/redis-sentinel.js';
import type { SseClient } from './support/sse-client.js';

describe('instances on Redis with Sentinel (e2e, a master, a replica, a sentinel)', () => {
  let setup: RedisSentinelSetup;
  let one: AppProcess;
  let two: AppProcess;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    setup = await startRedisSentinel();
    const env = {
      EVENT_BUS: 'redis',
      REDIS_SENTINELS: setup.sentinels,
      REDIS_SENTINEL_NAME: setup.name,
      REDIS_KEY_PREFIX: `sentinel-${randomUUID()}:`,
      MOCK_DELAY_MS: '3',
      REDIS_PRESENCE_TTL_MS: '1000',
      // An accepted message is on the replica before the 202.
      REDIS_MIN_REPLICAS: '1',
      // The checks poll the conversation's state often.
      RATE_LIMIT_MAX: '100000',
    };
    [one, two] = await Promise.all([startApp(env), startApp(env)]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await setup?.dispose();
  });

  it('delivers a reply posted on one instance to a subscriber of the other, through the master the sentinel names', async () => {
    const id = `sentinel-${randomUUID()}`;
    const watcher = await subscribe(two, id);
    clients.push(watcher);
    const sent = await send(one, [{ role: 'user', content: 'hello' }], id);
    const end = await replyOf(watcher, sent.messageId);
    expect(end.event).toBe('done');
    expect(end.text).toContain('You said: hello');
    expect(await setup.masterPort()).toBe(setup.master.port);
  });

  it('loses no accepted message through SENTINEL FAILOVER, and streams resume', async () => {
    const outcome = await postThroughFailover(
      one,
      two,
      `failover-${randomUUID()}`,
      async () => {
        await setup.failover();
        await until(
          async () => (await setup.masterPort()) === setup.replica.port,
          'the sentinel to promote the replica',
        );
      },
    );
    // Replication is asynchronous and Sentinel does not stop the old master
    // at once: the events it took in the switch may be gone, and a
    // subscriber then gets `reset` and reloads the (complete) history.
    expectNothingLost(outcome, { exactResume: false });
    expect(await setup.masterPort()).toBe(setup.replica.port);
  });
});
