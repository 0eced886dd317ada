import { modelAllowed } from './api-key-definition.js';

describe('modelAllowed', () => {
  it('allows every model without a list, and only the names or `*` patterns listed otherwise', () => {
    expect(modelAllowed(undefined, 'anything')).toBe(true);
    expect(modelAllowed(['gpt'], 'gpt')).toBe(true);
    expect(modelAllowed(['gpt'], 'gpt-4')).toBe(false);
    expect(modelAllowed(['ernie-*'], 'ernie-4.0')).toBe(true);
    expect(modelAllowed(['ernie-*'], 'xernie-4.0')).toBe(false);
    expect(modelAllowed(['*'], 'mini')).toBe(true);
    // Regex characters in a name are literal.
    expect(modelAllowed(['ernie-4.0'], 'ernie-4x0')).toBe(false);
    expect(modelAllowed([], 'gpt')).toBe(false);
  });
});
