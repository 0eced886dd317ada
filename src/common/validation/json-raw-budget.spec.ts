import { describe, expect, it } from 'vitest';
import { findShapeViolation, type JsonBudget } from './json-shape.js';
import { findRawBudgetViolation } from './json-raw-budget.js';

const BUDGET: JsonBudget = {
  maxDepth: 6,
  maxNodes: 60,
  maxKeys: 10,
  maxItems: 12,
};

const wide = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
const deep = (n: number): unknown => (n === 0 ? 'x' : { a: [deep(n - 1)] });

/** The raw scan of `value` as a client would send it, and the check on the parsed value. */
function both(value: unknown, text = JSON.stringify(value, null, 1)) {
  return {
    raw: findRawBudgetViolation(Buffer.from(text), BUDGET),
    parsed: findShapeViolation(JSON.parse(text), {
      refuseReservedKeys: false,
      budget: BUDGET,
    }),
  };
}

describe('findRawBudgetViolation', () => {
  it.each([
    ['a small chat body', { messages: [{ role: 'user', content: 'hi' }] }],
    ['an empty object and array', { a: {}, b: [], c: [[], {}] }],
    [
      'strings holding brackets, commas and quotes',
      { 'k,{': 'a"}],[\\', b: ['x,y', '{"z":[1,2]}'] },
    ],
    ['non-ASCII keys and values', { 'clé,é': 'naïve ✓', 鍵: ['値', '🙂'] }],
    [
      'just under every limit',
      { a: wide(10), b: Array.from({ length: 12 }, (_, i) => i) },
    ],
  ])('accepts what the parsed check accepts: %s', (_name, value) => {
    expect(both(value)).toEqual({ raw: undefined, parsed: undefined });
  });

  it.each([
    [
      'an object of too many keys',
      { tools: [{ function: { parameters: wide(11) } }] },
    ],
    [
      'an array of too many items',
      { messages: Array.from({ length: 13 }, () => 'x') },
    ],
    [
      'too many values in all',
      {
        a: wide(10),
        b: wide(10),
        c: wide(10),
        d: wide(10),
        e: wide(10),
        f: wide(10),
      },
    ],
    ['nesting too deep', { schema: deep(4) }],
    [
      'a root array of too many items',
      Array.from({ length: 13 }, (_, i) => ({ i })),
    ],
    ['a key with escaped quotes', { 'we "quote"': wide(11) }],
  ])(
    'refuses as the parsed check does, naming the same field: %s',
    (_name, value) => {
      const { raw, parsed } = both(value);
      expect(parsed).toBeDefined();
      expect(raw).toEqual(parsed);
    },
  );

  it('reads compact and spaced JSON alike', () => {
    const value = { tools: [{ function: { parameters: wide(11) } }] };
    expect(
      findRawBudgetViolation(Buffer.from(JSON.stringify(value)), BUDGET),
    ).toEqual(both(value).parsed);
  });

  it('leaves a body that is not JSON to the parser', () => {
    expect(
      findRawBudgetViolation(Buffer.from('{"a": [1, 2'), BUDGET),
    ).toBeUndefined();
    expect(
      findRawBudgetViolation(Buffer.from('not json'), BUDGET),
    ).toBeUndefined();
  });
});
