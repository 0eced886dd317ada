import { ApiKeys } from './api-keys.js';

const KEY_A = 'sk-reload-a-4f9d1c2b7a6e5d3c';
const KEY_B = 'sk-reload-b-0a1b2c3d4e5f6a7b';
const KEY_C = 'sk-reload-c-9e8d7c6b5a4f3e2d';

describe('ApiKeys.replace', () => {
  it('puts a new set in force at once and says what was added, removed and changed', () => {
    const [a, b, c] = ApiKeys.shortForm(`${KEY_A},${KEY_B},${KEY_C}`);
    const keys = ApiKeys.fromDefinitions([a, b]);
    expect(keys.identify(KEY_C)).toBeUndefined();

    const change = keys.replace([
      { ...a, limits: { rpm: 10 } },
      { ...c, name: 'newcomer' },
    ]);

    expect(change).toEqual({ added: [c.id], removed: [b.id], changed: [a.id] });
    expect(keys.identify(KEY_B)).toBeUndefined();
    expect(keys.has(b.id)).toBe(false);
    expect(keys.identify(KEY_C)).toBe(c.id);
    expect(keys.byName('newcomer')?.id).toBe(c.id);
    expect(keys.definition(a.id)?.limits).toEqual({ rpm: 10 });
    expect(keys.replace(keys.all.slice())).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });
});
