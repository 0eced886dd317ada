import { MemoryAuthFailureCounter } from './memory-auth-failure-counter.js';

describe('MemoryAuthFailureCounter', () => {
  it('counts failures per address in fixed windows', async () => {
    let now = 1_000;
    const counter = new MemoryAuthFailureCounter(60_000, 10, () => now);
    await counter.recordFailure('10.0.0.1');
    expect(await counter.recordFailure('10.0.0.1')).toEqual({
      failures: 2,
      resetInMs: 60_000,
    });
    expect((await counter.current('10.0.0.2')).failures).toBe(0);
    now += 30_000;
    expect(await counter.current('10.0.0.1')).toEqual({
      failures: 2,
      resetInMs: 30_000,
    });
    now += 30_000;
    expect((await counter.current('10.0.0.1')).failures).toBe(0);
    expect((await counter.recordFailure('10.0.0.1')).failures).toBe(1);
  });

  it('forgets ended windows once it holds many addresses', async () => {
    let now = 0;
    const counter = new MemoryAuthFailureCounter(1_000, 3, () => now);
    for (const address of ['a', 'b', 'c']) await counter.recordFailure(address);
    now = 5_000;
    await counter.recordFailure('d');
    expect(
      (counter as unknown as { windows: Map<string, unknown> }).windows.size,
    ).toBe(1);
  });
});
