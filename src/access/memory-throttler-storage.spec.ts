import { ThrottlerStorageService } from '@nestjs/throttler';
import fc from 'fast-check';
import { MemoryThrottlerStorage } from './memory-throttler-storage.js';

const steps = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 0, max: 3_000 }),
    }),
    fc.record({
      kind: fc.constant('hit' as const),
      key: fc.constantFrom('default|ip:1', 'default|key:a', 'streams|ip:1'),
      throttler: fc.constantFrom('default', 'streams'),
      // A route's own limit may give one key a shorter ttl than before.
      ttl: fc.constantFrom(1_000, 2_000),
      limit: fc.integer({ min: 1, max: 4 }),
      blockDuration: fc.constantFrom(0, 2_000, 5_000),
    }),
  ),
  { maxLength: 80 },
);

describe('MemoryThrottlerStorage', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_764_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('answers every sequence of hits exactly as @nestjs/throttler’s own storage', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        const ours = new MemoryThrottlerStorage();
        const theirs = new ThrottlerStorageService();
        try {
          for (const step of sequence) {
            if (step.kind === 'wait') {
              vi.advanceTimersByTime(step.ms);
              continue;
            }
            const args = [
              step.key,
              step.ttl,
              step.limit,
              step.blockDuration,
              step.throttler,
            ] as const;
            expect(await ours.increment(...args)).toEqual(
              await theirs.increment(...args),
            );
          }
        } finally {
          ours.onApplicationShutdown();
          theirs.onApplicationShutdown();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a window of 100 000 hits, dropping them as they expire', async () => {
    const storage = new MemoryThrottlerStorage();
    const hit = () =>
      storage.increment('default|ip:1', 60_000, 1_000_000, 60_000, 'default');
    for (let i = 0; i < 100_000; i++) {
      await hit();
      if (i % 100 === 0) vi.advanceTimersByTime(1);
    }
    expect((await hit()).totalHits).toBe(100_001);
    // The hits of the first 500 ms (the first, then 100 per ms) expire.
    vi.advanceTimersByTime(59_500);
    expect((await hit()).totalHits).toBe(100_002 - 50_001);
    storage.onApplicationShutdown();
  });
});
