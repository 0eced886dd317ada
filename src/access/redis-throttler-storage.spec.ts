import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../test/support/redis-connections.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';

describe('RedisThrottlerStorage (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'throttle-spec:',
    failoverRetryMs: 0,
  });
  const instance = async () => {
    const redis = await redisServer.open();
    return new RedisThrottlerStorage(redis);
  };

  it('counts the hits of all instances in one sliding window', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const key = `default|key:${randomUUID()}`;
    const hit = (storage: RedisThrottlerStorage) =>
      storage.increment(key, 60_000, 3, 60_000, 'default');
    expect(await hit(a)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit(b)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit(a)).toMatchObject({
      totalHits: 3,
      isBlocked: false,
      timeToExpire: 60,
      timeToBlockExpire: 0,
    });
    const refused = await hit(b);
    expect(refused).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(refused.timeToBlockExpire).toBeGreaterThan(0);
    expect(refused.timeToBlockExpire).toBeLessThanOrEqual(60);
    // A refused hit is not recorded: the count stays at the limit.
    expect(await hit(a)).toMatchObject({ totalHits: 4, isBlocked: true });
  });

  it('lets hits through again once the oldest leaves the window', async () => {
    const storage = await instance();
    const key = `default|key:${randomUUID()}`;
    const hit = () => storage.increment(key, 300, 1, 300, 'default');
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    const deadline = Date.now() + 3_000;
    let record = await hit();
    while (record.isBlocked && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = await hit();
    }
    expect(record.isBlocked).toBe(false);
  });

  it('counts in this process while Redis is unreachable, and in Redis again once it is back', async () => {
    const storage = await instance();
    const key = `default|key:${randomUUID()}`;
    const hit = () => storage.increment(key, 60_000, 2, 60_000, 'default');
    expect((await hit()).totalHits).toBe(1);
    await redisServer.server().stop();
    // The limit still holds, per instance.
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    await redisServer.server().start();
    const deadline = Date.now() + 10_000;
    let record = await hit();
    // Back on an empty Redis: the count starts again there.
    while (record.isBlocked && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = await hit();
    }
    expect(record).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
