import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { loadKeyDefinitions } from './keys-loader.js';

describe('keys.example.yaml', () => {
  it('loads, with every field the file can hold', () => {
    const path = new URL('../../keys.example.yaml', import.meta.url);
    const keys = loadKeyDefinitions(
      { KEYS_FILE: 'keys.example.yaml' },
      { SEARCH_TEAM_KEY: 'sk-search-team-5f1c9a7e3b2d4068' },
      () => readFileSync(path, 'utf8'),
    );
    expect(keys.map((key) => [key.name, key.role])).toEqual([
      ['search-team', 'user'],
      ['ops', 'admin'],
    ]);
    expect(keys[0]).toMatchObject({
      models: ['ernie-*', 'gpt'],
      limits: { rpm: 60, tpm: 200_000, maxStreams: 4 },
      budget: { tokens: 5_000_000, period: 'month' },
      metadata: { team: 'search' },
    });
  });
});
