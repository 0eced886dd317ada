import fc from 'fast-check';
import { ApiKeys } from './api-keys.js';

const KEY_A = 'sk-live-4f9d1c2b7a6e5d3c';
const KEY_B = 'sk-live-0a1b2c3d4e5f6a7b';

describe('ApiKeys', () => {
  const keys = new ApiKeys(` ${KEY_A}, ,${KEY_B},${KEY_A} `);

  it('parses a comma-separated list, trimmed, without empties or duplicates', () => {
    expect(ApiKeys.parse(` ${KEY_A}, ,${KEY_B},${KEY_A} `)).toEqual([
      KEY_A,
      KEY_B,
    ]);
    expect(keys.lengths).toEqual([KEY_A.length, KEY_B.length]);
  });

  it('is disabled (the API is open) when no key is configured', () => {
    expect(new ApiKeys(undefined).enabled).toBe(false);
    expect(new ApiKeys(' , ').enabled).toBe(false);
    expect(keys.enabled).toBe(true);
  });

  it('identifies each configured key by a stable id that does not reveal it', () => {
    const idA = keys.identify(KEY_A);
    const idB = keys.identify(KEY_B);
    expect(idA).toBe(ApiKeys.idOf(KEY_A));
    expect(idB).toBe(ApiKeys.idOf(KEY_B));
    expect(idA).not.toBe(idB);
    expect(idA).toMatch(/^k_[0-9a-f]{12}$/);
    expect(idA).not.toContain(KEY_A.slice(3, 10));
    expect(keys.has(idA!)).toBe(true);
    expect(keys.has('k_000000000000')).toBe(false);
  });

  it('refuses near misses: prefixes, extensions, other case, padding', () => {
    for (const candidate of [
      KEY_A.slice(0, -1),
      `${KEY_A}x`,
      KEY_A.toUpperCase(),
      ` ${KEY_A}`,
      '',
    ]) {
      expect(keys.identify(candidate)).toBeUndefined();
    }
  });

  it('accepts no string other than a configured key', () => {
    fc.assert(
      fc.property(fc.string(), (candidate) => {
        const id = keys.identify(candidate);
        return candidate === KEY_A || candidate === KEY_B
          ? id !== undefined
          : id === undefined;
      }),
    );
  });
});
