import { ByteBudget } from '../../common/memory/byte-budget.js';
import { MemoryGenerationLock } from './memory-generation-lock.js';

describe('MemoryGenerationLock', () => {
  it('holds one reply per conversation, released only by its holder', async () => {
    const lock = new MemoryGenerationLock();
    expect(await lock.acquire('c~k_a', 'm1', 60_000)).toBe(true);
    expect(await lock.acquire('c~k_a', 'm2', 60_000)).toBe(false);
    // The same id under another key is another conversation.
    expect(await lock.acquire('c~k_b', 'm3', 60_000)).toBe(true);
    await lock.release('c~k_a', 'm2');
    expect(await lock.holder('c~k_a')).toBe('m1');
    await lock.release('c~k_a', 'm1');
    expect(await lock.holder('c~k_a')).toBeUndefined();
    expect(await lock.acquire('c~k_a', 'm4', 60_000)).toBe(true);
  });

  it('lets a lock expire, so that a reply that never ended cannot block for ever', async () => {
    let now = 1_000;
    const lock = new MemoryGenerationLock(undefined, () => now);
    expect(await lock.acquire('c', 'm1', 50)).toBe(true);
    now += 49;
    expect(await lock.acquire('c', 'm2', 50)).toBe(false);
    now += 1;
    expect(await lock.holder('c')).toBeUndefined();
    expect(await lock.acquire('c', 'm2', 50)).toBe(true);
  });

  it('protects a locked conversation from the memory budget while its reply runs', async () => {
    const budget = new ByteBudget(100);
    const evicted: string[] = [];
    budget.register(
      (key) => evicted.push(key),
      () => false,
    );
    const lock = new MemoryGenerationLock(budget);
    await lock.acquire('busy', 'm1', 60_000);
    budget.set('busy', 'store', 80);
    budget.set('idle', 'store', 80);
    expect(evicted).toEqual(['idle']);
    await lock.release('busy', 'm1');
    budget.set('next', 'store', 80);
    expect(evicted).toEqual(['idle', 'busy']);
  });
});
