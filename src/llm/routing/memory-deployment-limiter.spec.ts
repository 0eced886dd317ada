import type { Deployment } from '../catalogue/deployment.js';
import type { QuotaDecision } from './deployment-limiter.js';
import { MemoryDeploymentLimiter } from './memory-deployment-limiter.js';

const deployment = (limits: Deployment['limits']) =>
  ({ name: 'd', limits }) as Deployment;
const granted = (decision: QuotaDecision) => {
  if (!decision.granted) throw new Error(`refused: ${decision.limit}`);
  return decision.lease;
};

describe('MemoryDeploymentLimiter', () => {
  let now = 0;
  const limiter = () => new MemoryDeploymentLimiter(() => now);
  beforeEach(() => (now = 0));

  it('holds rpm within a minute and resets with the next', async () => {
    const l = limiter();
    const d = deployment({ rpm: 2 });
    granted(await l.acquire(d, 1));
    granted(await l.acquire(d, 1));
    expect(await l.acquire(d, 1)).toEqual({
      granted: false,
      limit: 'rpm',
      retryAfterMs: 60_000,
    });
    now = 60_000;
    granted(await l.acquire(d, 1));
  });

  it('counts tokens, corrected by what the call really used', async () => {
    const l = limiter();
    const d = deployment({ tpm: 100 });
    await granted(await l.acquire(d, 60)).release(30);
    await granted(await l.acquire(d, 60)).release(60);
    expect(await l.acquire(d, 20)).toMatchObject({
      granted: false,
      limit: 'tpm',
    });
  });

  it('limits calls at once until one is released', async () => {
    const l = limiter();
    const d = deployment({ maxConcurrency: 1 });
    const lease = granted(await l.acquire(d, 1));
    expect(await l.acquire(d, 1)).toMatchObject({ limit: 'concurrency' });
    await lease.release();
    await lease.release();
    granted(await l.acquire(d, 1));
    expect(await l.acquire(d, 1)).toMatchObject({ limit: 'concurrency' });
  });
});
