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

describe('ByteBudget shared between groups (API keys)', () => {
  const ownerOf = (key: string) => key.split('~')[1] ?? '';
  const setUp = (limit: number, protectedKeys = new Set<string>()) => {
    const budget = new ByteBudget(limit, { groupOf: ownerOf });
    const evicted: string[] = [];
    budget.register(
      (key) => evicted.push(key),
      (key) => protectedKeys.has(key),
    );
    return { budget, evicted };
  };

  it("evicts the heaviest group's keys first, never a lighter group's idle key", () => {
    const { budget, evicted } = setUp(100);
    budget.set('idle~a', 'store', 20);
    for (let i = 0; i < 10; i++) budget.set(`flood-${i}~b`, 'store', 30);
    expect(evicted).toEqual(
      Array.from({ length: 8 }, (_, i) => `flood-${i}~b`),
    );
    expect(budget.groupBytes('a')).toBe(20);
    expect(budget.groupBytes('b')).toBe(60);
    expect(budget.usedBytes).toBe(80);
  });

  it('takes from the group over its share even when its keys were used last', () => {
    const { budget, evicted } = setUp(100);
    budget.set('x~b', 'store', 50);
    budget.set('y~a', 'store', 30);
    budget.set('z~b', 'store', 30);
    expect(evicted).toEqual(['x~b']);
    budget.set('w~a', 'store', 50);
    // Now a is the heaviest (80 against 30): its least recently used goes.
    expect(evicted).toEqual(['x~b', 'y~a']);
  });

  it("never evicts a group within its fair share, even while the heavy group's keys are protected", () => {
    const { budget, evicted } = setUp(100, new Set(['busy~b']));
    budget.set('light~a', 'store', 30);
    budget.set('busy~b', 'store', 80);
    // Over budget until b's reply ends, rather than a's idle key pushed out.
    expect(evicted).toEqual([]);
    expect(budget.usedBytes).toBe(110);
    expect(budget.isProtected('busy~b')).toBe(true);
    budget.set('later~b', 'store', 10);
    expect(evicted).toEqual(['later~b']);
  });
});
