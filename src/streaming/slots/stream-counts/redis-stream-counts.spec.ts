import { randomUUID } from 'node:crypto';
import {
  startRedisServer,
  type RedisServer,
} from '../../../../test/support/redis-server.js';
import { eventually } from '../../../../test/support/sse-client.js';
import { RedisConnections } from '../../../redis/redis-connections.js';
import { RedisStreamCounts } from './redis-stream-counts.js';

describe('RedisStreamCounts (real redis-server)', () => {
  let server: RedisServer;
  const opened: { redis: RedisConnections; counts: RedisStreamCounts }[] = [];
  const instance = async (ttlMs = 60_000) => {
    const redis = await RedisConnections.open({
      url: server.url,
      keyPrefix: 'streams-spec:',
    });
    const counts = new RedisStreamCounts(redis, { ttlMs });
    opened.push({ redis, counts });
    return { redis, counts };
  };
  const slot = () => `key:${randomUUID()}`;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const { redis, counts } of opened) {
      counts.onApplicationShutdown();
      await redis.close();
    }
    await server.dispose();
  });

  it('holds a limit across instances, even for takes that overlap', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const client = slot();
    const takes = await Promise.all([
      a.counts.take(client, 3),
      a.counts.take(client, 3),
      b.counts.take(client, 3),
      b.counts.take(client, 3),
      a.counts.take(client, 3),
    ]);
    expect(takes.filter((open) => open === undefined)).toHaveLength(3);
    expect(takes.filter((open) => open === 3)).toHaveLength(2);
    // Whichever instance holds a stream gives one back; the other takes it.
    const [holder, other] =
      takes[2] === undefined || takes[3] === undefined ? [b, a] : [a, b];
    holder.counts.give(client);
    await eventually(
      async () => (await other.counts.take(client, 3)) === undefined,
      2_000,
      'the slot given back',
    );
    expect(await holder.counts.take(client, 3)).toBe(3);
  });

  it("stops counting an instance's streams once it stopped refreshing them", async () => {
    const client = slot();
    const dead = await instance(300);
    const alive = await instance(300);
    expect(await dead.counts.take(client, 1)).toBeUndefined();
    expect(await alive.counts.take(client, 1)).toBe(1);
    // Dies: no more refreshes, its connections gone.
    dead.counts.onApplicationShutdown();
    await dead.redis.close();
    await eventually(
      async () => (await alive.counts.take(client, 1)) === undefined,
      3_000,
      "the dead instance's lease to lapse",
    );
  });
});
