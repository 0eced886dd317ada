import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../test/support/redis-connections.js';
import { RedisAuthFailureCounter } from './redis-auth-failure-counter.js';

describe('RedisAuthFailureCounter (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'auth-failures-spec:',
    failoverRetryMs: 0,
  });
  const instance = async (windowMs = 60_000) => {
    const redis = await redisServer.open();
    return new RedisAuthFailureCounter(redis, windowMs);
  };

  it('counts the failures of all instances in one window per address', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const address = `10.0.0.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    expect((await a.current(address)).failures).toBe(0);
    await a.recordFailure(address);
    await b.recordFailure(address);
    const third = await a.recordFailure(address);
    expect(third.failures).toBe(3);
    expect(third.resetInMs).toBeGreaterThan(50_000);
    expect(third.resetInMs).toBeLessThanOrEqual(60_000);
    expect((await b.current(address)).failures).toBe(3);
    expect((await b.current(`other-${randomUUID()}`)).failures).toBe(0);
  });

  it('starts a new window once the last one has ended', async () => {
    const counter = await instance(200);
    const address = `::1-${randomUUID()}`;
    await counter.recordFailure(address);
    await counter.recordFailure(address);
    const deadline = Date.now() + 3_000;
    while (
      (await counter.current(address)).failures > 0 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await counter.current(address)).failures).toBe(0);
    expect((await counter.recordFailure(address)).failures).toBe(1);
  });

  it('counts in this process while Redis is unreachable, and in Redis again once it is back', async () => {
    const counter = await instance();
    const address = `10.1.1.1-${randomUUID()}`;
    expect((await counter.recordFailure(address)).failures).toBe(1);
    await redisServer.server().stop();
    // The limit still holds, per instance.
    expect((await counter.recordFailure(address)).failures).toBe(1);
    expect((await counter.recordFailure(address)).failures).toBe(2);
    await redisServer.server().start();
    const deadline = Date.now() + 10_000;
    let failures = 0;
    while (Date.now() < deadline) {
      try {
        failures = (await counter.current(address)).failures;
        // Back on an empty Redis: nothing counted there yet.
        if (failures === 0) break;
      } catch {
        /* not reconnected yet */
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(failures).toBe(0);
    expect((await counter.recordFailure(address)).failures).toBe(1);
  });
});
