import { jsonFor } from './mock-json.js';

describe('jsonFor', () => {
  it('fills every required property with a value of its type, and only those', () => {
    const value = jsonFor(
      {
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer', minimum: 1, maximum: 3 },
          metric: { type: 'boolean' },
          score: { type: 'number', exclusiveMinimum: 10 },
          note: { type: 'string' },
        },
        required: ['city', 'days', 'metric', 'score'],
        additionalProperties: false,
      },
      'Paris',
    );
    expect(value).toEqual({
      city: 'Paris',
      days: 3,
      metric: false,
      score: 10.5,
    });
  });

  it('fills the first property when none is required', () => {
    expect(
      jsonFor(
        { type: 'object', properties: { city: { type: 'string' } } },
        'Rome',
      ),
    ).toEqual({ city: 'Rome' });
  });

  it('picks enum values, honours string lengths and fills nested objects and arrays', () => {
    const value = jsonFor(
      {
        type: 'object',
        properties: {
          unit: { enum: ['c', 'f', 'k'] },
          code: { type: 'string', maxLength: 2 },
          long: { type: 'string', minLength: 6 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
          place: {
            type: 'object',
            properties: { lat: { type: 'number' }, lon: { type: 'number' } },
            required: ['lat', 'lon'],
          },
        },
        required: ['unit', 'code', 'long', 'tags', 'place'],
      },
      'Oslo',
    );
    expect(value).toEqual({
      unit: 'f',
      code: 'Os',
      long: 'Oslo..',
      tags: ['Oslo', 'Oslo'],
      place: { lat: 4, lon: 4 },
    });
  });

  it('takes the non-null branch of anyOf and nullable types, and follows local $refs', () => {
    const value = jsonFor(
      {
        type: 'object',
        properties: {
          maybe: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
          either: { type: ['null', 'string'] },
          step: { $ref: '#/$defs/step' },
          steps: { type: 'array', items: { $ref: '#/definitions/step' } },
        },
        required: ['maybe', 'either', 'step', 'steps'],
        $defs: {
          step: {
            type: 'object',
            properties: { say: { type: 'string' } },
            required: ['say'],
          },
        },
        definitions: {
          step: {
            type: 'object',
            properties: { n: { const: 1 } },
            required: ['n'],
          },
        },
      },
      'Hi',
    );
    expect(value).toEqual({
      maybe: 2,
      either: 'Hi',
      step: { say: 'Hi' },
      steps: [{ n: 1 }],
    });
  });

  it('stops at a recursive $ref instead of looping', () => {
    const tree = {
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: { child: { $ref: '#/$defs/node' } },
          required: ['child'],
        },
      },
    };
    expect(JSON.stringify(jsonFor(tree, 'x')).length).toBeLessThan(1000);
  });

  it('is the same value for the same prompt', () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    expect(jsonFor(schema, 'same')).toEqual(jsonFor(schema, 'same'));
    expect(jsonFor(schema, 'same')).not.toEqual(jsonFor(schema, 'other text'));
  });
});
