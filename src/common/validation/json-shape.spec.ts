import fc from 'fast-check';
import { findShapeViolation, MAX_JSON_DEPTH } from './json-shape.js';

const nested = (depth: number, leaf: string) =>
  JSON.parse('['.repeat(depth) + leaf + ']'.repeat(depth)) as unknown;

describe('findShapeViolation', () => {
  it('accepts a chat body', () => {
    expect(
      findShapeViolation({
        conversationId: 'c1',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).toBeUndefined();
  });

  it('names the top-level field of a body nested past the limit, without overflowing', () => {
    expect(findShapeViolation({ messages: nested(200_000, '1') })).toEqual({
      field: 'messages',
      rule: 'maxDepth',
      message: `messages must not be nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
    expect(findShapeViolation({ a: nested(MAX_JSON_DEPTH - 1, '1') })).toBe(
      undefined,
    );
    expect(findShapeViolation({ a: nested(MAX_JSON_DEPTH, '1') })?.rule).toBe(
      'maxDepth',
    );
  });

  it.each([
    ['{"messages":[],"__proto__":{"polluted":true}}', '__proto__'],
    ['{"constructor":{"prototype":{"polluted":true}}}', 'constructor'],
    ['{"messages":[],"prototype":{"polluted":true}}', 'prototype'],
    [
      '{"messages":[{"role":"user","content":"x","__proto__":{}}]}',
      'messages.0.__proto__',
    ],
  ])(
    'names a reserved key that the whitelist would miss: %s',
    (json, field) => {
      expect(findShapeViolation(JSON.parse(json))).toMatchObject({
        field,
        rule: 'whitelistValidation',
      });
    },
  );

  it('lets reserved keys through where unknown fields are dropped anyway', () => {
    expect(
      findShapeViolation(JSON.parse('{"__proto__":{}}'), {
        refuseReservedKeys: false,
      }),
    ).toBeUndefined();
  });

  it('accepts any JSON within the depth limit that has no reserved key', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!/"(?:__proto__|constructor|prototype)":/.test(text));
        expect(findShapeViolation(JSON.parse(text))).toBeUndefined();
      }),
    );
  });

  describe('the JSON budget', () => {
    const budget = { maxDepth: 32, maxNodes: 50, maxKeys: 10, maxItems: 5 };
    const wide = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

    it('names the object with too many keys', () => {
      expect(
        findShapeViolation(
          { tools: [{ function: { parameters: wide(11) } }] },
          { budget },
        ),
      ).toMatchObject({
        field: 'tools.0.function.parameters',
        rule: 'maxKeys',
      });
    });

    it('names the array with too many items, before any item is visited', () => {
      expect(
        findShapeViolation({ messages: [1, 2, 3, 4, 5, 6] }, { budget }),
      ).toMatchObject({ field: 'messages', rule: 'maxItems' });
    });

    it('counts the values of the whole body', () => {
      const body = {
        a: wide(10),
        b: wide(10),
        c: wide(10),
        d: wide(10),
        e: wide(10),
      };
      expect(findShapeViolation(body, { budget })?.rule).toBe('maxNodes');
      expect(
        findShapeViolation({ a: wide(10), b: wide(10) }, { budget }),
      ).toBeUndefined();
    });
  });
});
