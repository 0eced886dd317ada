import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../../test/support/redis-connections.js';
import { RedisGenerationLock } from './redis-generation-lock.js';

describe('RedisGenerationLock (real redis-server)', () => {
  const redisServer = useRedisConnections({ keyPrefix: 'lock-spec:' });
  const instance = async () =>
    new RedisGenerationLock(await redisServer.open());
  const id = () => `conv-${randomUUID()}`;

  it('lets only one instance take a lock, and only its holder release it', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const conv = id();
    const taken = await Promise.all([
      a.acquire(conv, 'm-a', 10_000),
      b.acquire(conv, 'm-b', 10_000),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const holder = taken[0] ? 'm-a' : 'm-b';
    const other = taken[0] ? 'm-b' : 'm-a';
    expect(await b.holder(conv)).toBe(holder);
    await a.release(conv, other);
    expect(await a.holder(conv)).toBe(holder);
    await b.release(conv, holder);
    expect(await a.holder(conv)).toBeUndefined();
    expect(await b.acquire(conv, 'm-c', 10_000)).toBe(true);
  });

  it('lets a lock expire, so that a crashed instance cannot block a conversation', async () => {
    const a = await instance();
    const conv = id();
    expect(await a.acquire(conv, 'm1', 50)).toBe(true);
    expect(await a.acquire(conv, 'm2', 50)).toBe(false);
    await expect
      .poll(() => a.acquire(conv, 'm2', 10_000), { timeout: 2_000 })
      .toBe(true);
  });

  it("keeps the key the store used for it, in the conversation's slot, so running replies survive an upgrade", async () => {
    const direct = await redisServer.open();
    const a = await instance();
    const conv = `${id()}~k_a`;
    await direct.command.set(`lock-spec:conv:{${conv}}:generation`, 'm-old');
    expect(await a.holder(conv)).toBe('m-old');
    expect(await a.acquire(conv, 'm-new', 10_000)).toBe(false);
  });
});
