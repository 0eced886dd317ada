import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../../test/support/redis-connections.js';
import type { Deployment } from '../catalogue/deployment.js';
import type { QuotaDecision } from './deployment-limiter.js';
import { RedisDeploymentLimiter } from './redis-deployment-limiter.js';

const granted = (decision: QuotaDecision) => {
  if (!decision.granted) throw new Error(`refused: ${decision.limit}`);
  return decision.lease;
};

describe('RedisDeploymentLimiter (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'quota-spec:',
  });
  let now = 0;
  /** A limiter of its own instance: its own connection to the same Redis. */
  const instance = async () => {
    const redis = await redisServer.open();
    return new RedisDeploymentLimiter(redis, () => now);
  };
  const deployment = (limits: Deployment['limits']) =>
    ({ name: `d-${randomUUID()}`, limits }) as Deployment;

  beforeEach(() => (now = 1_000_000 * 60_000));

  it('shares rpm between instances, and starts again with the next minute', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const d = deployment({ rpm: 3 });
    granted(await a.acquire(d, 1));
    granted(await b.acquire(d, 1));
    granted(await a.acquire(d, 1));
    now += 15_000;
    expect(await b.acquire(d, 1)).toEqual({
      granted: false,
      limit: 'rpm',
      retryAfterMs: 45_000,
    });
    now += 45_000;
    granted(await b.acquire(d, 1));
  });

  it('holds maxConcurrency across instances until a call is released', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const d = deployment({ maxConcurrency: 1 });
    const lease = granted(await a.acquire(d, 1));
    expect(await b.acquire(d, 1)).toMatchObject({ limit: 'concurrency' });
    await lease.release();
    granted(await b.acquire(d, 1));
  });

  it('counts tokens, corrected by the usage reported', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const d = deployment({ tpm: 100 });
    await granted(await a.acquire(d, 80)).release(20);
    granted(await b.acquire(d, 70));
    expect(await a.acquire(d, 20)).toMatchObject({ limit: 'tpm' });
  });
});
