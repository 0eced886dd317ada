import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables } from './env.schema.js';
import { validateEnv } from './validate-env.js';

const example = readFileSync(
  new URL('../../.env.example', import.meta.url),
  'utf8',
);
const listed = new Map(
  example
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map(
      (line) =>
        [
          line.slice(0, line.indexOf('=')),
          line.slice(line.indexOf('=') + 1),
        ] as const,
    ),
);

describe('.env.example', () => {
  const declared = [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((m) => m.propertyName),
    ),
  ];

  it('lists every variable the gateway reads, and no other', () => {
    expect([...listed.keys()].sort()).toEqual([...declared].sort());
  });

  it('states the real defaults', () => {
    const defaults = new EnvironmentVariables() as unknown as Record<
      string,
      unknown
    >;
    for (const [name, value] of listed) {
      if (value === '') expect(defaults[name]).toBeUndefined();
      else expect(String(defaults[name])).toBe(value);
    }
  });

  it('is itself a valid configuration', () => {
    const raw = Object.fromEntries(
      [...listed].filter(([, value]) => value !== ''),
    );
    expect(() => validateEnv(raw)).not.toThrow();
  });
});
