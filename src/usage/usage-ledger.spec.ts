import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../test/support/redis-connections.js';
import { MemoryUsageLedger } from './memory-usage-ledger.js';
import { RedisUsageLedger } from './redis-usage-ledger.js';
import type { UsageEntry, UsageLedger } from './usage-ledger.js';

const DAY_1 = new Date('2026-11-30T23:00:00Z');
const DAY_2 = new Date('2026-12-01T08:00:00Z');
/** Names of their own per run: the Redis server is shared by the file's tests. */
let TEAM_A = '';
let TEAM_B = '';
beforeEach(() => {
  const run = randomUUID().slice(0, 8);
  TEAM_A = `team-a-${run}`;
  TEAM_B = `team-b-${run}`;
});
const entry = (fields: Partial<UsageEntry>): UsageEntry => ({
  key: TEAM_A,
  model: 'gpt',
  promptTokens: 10,
  completionTokens: 5,
  failed: false,
  at: DAY_2,
  ...fields,
});

/** The same behaviour from both ledgers; `instances` gives two views of one ledger. */
function ledgerContract(instances: () => Promise<[UsageLedger, UsageLedger]>) {
  it('sums calls per key × model × day, and filters by key, model and days', async () => {
    const [a, b] = await instances();
    await a.record(entry({ at: DAY_1 }));
    await b.record(entry({}));
    await a.record(entry({ failed: true, completionTokens: 0 }));
    await b.record(entry({ model: 'ernie:4.0' }));
    await a.record(entry({ key: TEAM_B }));

    const all = await b.rows({
      keys: [TEAM_A, TEAM_B],
      from: '2026-11-30',
      to: '2026-12-01',
    });
    expect(all).toHaveLength(4);
    expect(
      await a.rows({
        keys: [TEAM_A],
        model: 'gpt',
        from: '2026-12-01',
        to: '2026-12-01',
      }),
    ).toEqual([
      {
        key: TEAM_A,
        model: 'gpt',
        date: '2026-12-01',
        requests: 2,
        promptTokens: 20,
        completionTokens: 5,
        errors: 1,
      },
    ]);
    expect(
      await a.rows({
        keys: [TEAM_A],
        model: 'ernie:4.0',
        from: '2026-12-01',
        to: '2026-12-01',
      }),
    ).toEqual([
      expect.objectContaining({ key: TEAM_A, model: 'ernie:4.0', requests: 1 }),
    ]);
    expect(
      await a.rows({ keys: ['nobody'], from: '2026-11-01', to: '2026-12-31' }),
    ).toEqual([]);
  });

  it('counts tokens per key and budget period, each period on its own', async () => {
    const [a, b] = await instances();
    await a.record(entry({ at: DAY_1 }));
    await b.record(entry({}));
    await b.record(entry({ key: TEAM_B }));
    expect(await a.spent(TEAM_A, 'day', DAY_2)).toBe(15);
    expect(await b.spent(TEAM_A, 'day', DAY_1)).toBe(15);
    expect(await b.spent(TEAM_A, 'month', DAY_2)).toBe(15);
    expect(await a.spent(TEAM_A, 'month', DAY_1)).toBe(15);
    expect(await a.spent(`${TEAM_A}-c`, 'month', DAY_1)).toBe(0);
  });
}

describe('MemoryUsageLedger', () => {
  ledgerContract(() => {
    const ledger = new MemoryUsageLedger();
    return Promise.resolve([ledger, ledger]);
  });
});

describe('RedisUsageLedger (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'usage-spec:',
    failoverRetryMs: 0,
  });
  ledgerContract(async () => [
    new RedisUsageLedger(await redisServer.open()),
    new RedisUsageLedger(await redisServer.open()),
  ]);
});
