import { setTimeout as sleep } from 'node:timers/promises';
import { useRedisConnections } from '../../../../test/support/redis-connections.js';
import type { CachedToken } from '../access-token-store.js';
import { RedisAccessTokenStore } from './redis-access-token-store.js';

describe('RedisAccessTokenStore (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'token-spec:',
  });
  const store = async (lockTtlMs?: number) => {
    const redis = await redisServer.open();
    return new RedisAccessTokenStore(redis, { lockTtlMs });
  };
  let keys = 0;
  const key = () => `ernie:${++keys}`;

  it('stores a token until it expires, shared by instances', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const k = key();
    await a.set(k, { token: 't1', expiresAt: Date.now() + 60_000 });
    expect((await b.get(k))?.token).toBe('t1');
    await b.delete(k);
    expect(await a.get(k)).toBeUndefined();
    await a.set(k, { token: 'old', expiresAt: Date.now() - 1 });
    expect(await b.get(k)).toBeUndefined();
    await a.set(k, { token: 'short', expiresAt: Date.now() + 40 });
    await expect.poll(() => b.get(k), { timeout: 2_000 }).toBeUndefined();
  });

  it('runs one refresh for 20 concurrent callers spread over two instances', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const k = key();
    let refreshes = 0;
    const refresh = (owner: RedisAccessTokenStore) => async () => {
      refreshes++;
      // The request to the token service takes a while.
      await sleep(100);
      const token: CachedToken = {
        token: `token-${refreshes}`,
        expiresAt: Date.now() + 60_000,
      };
      await owner.set(k, token);
      return token;
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const s = i % 2 === 0 ? a : b;
        return s.singleFlight(k, refresh(s));
      }),
    );
    expect(refreshes).toBe(1);
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['token-1']));
  });

  it('lets a waiting instance refresh when the lock holder fails', async () => {
    const direct = await redisServer.open();
    const [a, b] = await Promise.all([store(), store()]);
    const k = key();
    let attempts = 0;
    const failing = async (): Promise<CachedToken> => {
      attempts++;
      await sleep(50);
      throw new Error('token service down');
    };
    const working = async (): Promise<CachedToken> => {
      attempts++;
      const token = { token: 'from-b', expiresAt: Date.now() + 60_000 };
      await b.set(k, token);
      return token;
    };
    const first = a.singleFlight(k, failing);
    // b arrives while a holds the lock.
    await expect
      .poll(() => direct.command.exists(`token-spec:token-lock:${k}`))
      .toBe(1);
    const second = b.singleFlight(k, working);
    await expect(first).rejects.toThrow('token service down');
    await expect(second).resolves.toMatchObject({ token: 'from-b' });
    expect(attempts).toBe(2);
  });

  it('does not wait for ever on the lock of an instance that died', async () => {
    const direct = await redisServer.open();
    const [a, b] = await Promise.all([store(300), store(300)]);
    const k = key();
    // A lock left behind by a holder that crashed.
    await direct.command.set(`token-spec:token-lock:${k}`, 'dead', 'PX', 300);
    const started = Date.now();
    const token = await a.singleFlight(k, async () => {
      const fresh = { token: 'after-crash', expiresAt: Date.now() + 60_000 };
      await b.set(k, fresh);
      return fresh;
    });
    expect(token.token).toBe('after-crash');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
