import { ByteBudget } from './byte-budget.js';

describe('ByteBudget', () => {
  const holders = (budget: ByteBudget, protectedKeys = new Set<string>()) => {
    const evicted: string[] = [];
    budget.register(
      (key) => evicted.push(`store:${key}`),
      (key) => protectedKeys.has(key),
    );
    budget.register(
      (key) => evicted.push(`replay:${key}`),
      () => false,
    );
    return evicted;
  };

  it('evicts the least recently used keys from every holder once over the limit', () => {
    const budget = new ByteBudget(100);
    const evicted = holders(budget);
    budget.set('a', 'store', 40);
    budget.set('b', 'store', 40);
    budget.touch('a');
    budget.add('b', 'replay', 10);
    expect(evicted).toEqual([]);
    budget.set('c', 'store', 40);
    expect(evicted).toEqual(['store:b', 'replay:b']);
    expect(budget.usedBytes).toBe(80);
  });

  it('skips protected keys, and may evict the newest key when nothing else is left', () => {
    const budget = new ByteBudget(100);
    const evicted = holders(budget, new Set(['a']));
    budget.set('a', 'store', 60);
    budget.set('b', 'store', 60);
    expect(evicted).toEqual(['store:b', 'replay:b']);
    expect(budget.usedBytes).toBe(60);
  });

  it('forgets a key once every holder released it, and never counts below zero', () => {
    const budget = new ByteBudget(100);
    holders(budget);
    budget.set('a', 'store', 30);
    budget.add('a', 'replay', 20);
    budget.add('a', 'replay', -20);
    budget.release('a', 'store');
    budget.add('a', 'replay', -5);
    expect(budget.usedBytes).toBe(0);
  });
});
