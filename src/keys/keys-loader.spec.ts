import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { errorOf } from '../../test/support/error-of.js';
import { ApiKeys } from '../access/api-keys.js';
import { loadKeyDefinitions } from './keys-loader.js';

const SECRET = 'sk-team-a-4f9d1c2b7a6e5d3c';
const OTHER = 'sk-team-b-0a1b2c3d4e5f6a7b';
const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const fromFile = (
  content: unknown,
  secrets: Record<string, string> = { TEAM_A_KEY: SECRET },
) =>
  loadKeyDefinitions({ KEYS_FILE: '/etc/keys.yaml' }, secrets, () =>
    typeof content === 'string' ? content : stringify(content),
  );

describe('loadKeyDefinitions', () => {
  it('without KEYS_FILE, takes API_KEYS and ADMIN_API_KEYS as keys named by their id, without limits', () => {
    const keys = loadKeyDefinitions(
      { API_KEYS: SECRET, ADMIN_API_KEYS: OTHER },
      {},
    );
    expect(
      keys.map(({ name, role, limits }) => ({ name, role, limits })),
    ).toEqual([
      { name: ApiKeys.idOf(SECRET), role: 'user', limits: {} },
      { name: ApiKeys.idOf(OTHER), role: 'admin', limits: {} },
    ]);
  });

  it('reads every field, the secret from the variable it names or as its SHA-256, with the ids of the short form', () => {
    const [a, b] = fromFile({
      keys: [
        {
          name: 'team-a',
          secretEnv: 'TEAM_A_KEY',
          models: ['ernie-*', 'gpt'],
          rpm: 60,
          tpm: 10_000,
          maxStreams: 2,
          budget: { tokens: 100_000, period: 'month' },
          metadata: { owner: 'ana', team: 'search' },
        },
        { name: 'ops', sha256: sha(OTHER), role: 'admin' },
      ],
    });
    expect(a).toMatchObject({
      id: ApiKeys.idOf(SECRET),
      name: 'team-a',
      role: 'user',
      models: ['ernie-*', 'gpt'],
      limits: { rpm: 60, tpm: 10_000, maxStreams: 2 },
      budget: { tokens: 100_000, period: 'month' },
      metadata: { owner: 'ana', team: 'search' },
    });
    expect(b).toMatchObject({
      id: ApiKeys.idOf(OTHER),
      role: 'admin',
      limits: {},
    });
    expect(b.models).toBeUndefined();
    const keys = ApiKeys.fromDefinitions([a, b]);
    expect(keys.identify(SECRET)).toBe(a.id);
    expect(keys.identify(OTHER)).toBe(b.id);
    expect(keys.isAdmin(b.id)).toBe(true);
    expect(keys.lengths).toEqual([]);
  });

  it('lists every problem with its entry and field, and never a value', () => {
    const message = errorOf(() =>
      fromFile(
        {
          keys: [
            { name: 'a', secretEnv: 'UNSET_VAR' },
            { name: 'a', sha256: sha(OTHER) },
            { name: 'c', secretEnv: 'TEAM_A_KEY', sha256: sha(OTHER) },
            { name: 'd', sha256: sha(OTHER), metadata: { owner: 42 } },
          ],
        },
        { TEAM_A_KEY: SECRET },
      ),
    );
    expect(message).toContain('KEYS_FILE=/etc/keys.yaml');
    expect(message).toContain('keys[0] (a).secretEnv: UNSET_VAR is not set');
    expect(message).toContain('keys[1] (a).name: must be unique');
    expect(message).toContain(
      'keys[2] (c).secretEnv: give exactly one of secretEnv and sha256',
    );
    expect(message).toContain(
      'keys[3] (d).sha256: the same secret as another key',
    );
    expect(message).toContain('keys[3] (d).metadata.owner: must be a string');
    expect(message).not.toContain(sha(OTHER));
  });

  it('refuses fields it does not know, a plain secret included, without quoting them', () => {
    const message = errorOf(() =>
      fromFile({
        keys: [
          {
            name: 'a',
            secret: SECRET,
            sha256: 'abc',
            budget: { tokens: 0, period: 'week' },
          },
          { name: 'b', sha256: sha(OTHER), [SECRET]: true },
        ],
      }),
    );
    expect(message).toContain('keys[0] (a).secret: is not a known field');
    expect(message).toContain(
      'keys[0] (a).sha256: sha256 must be 64 hexadecimal digits',
    );
    expect(message).toContain('keys[0] (a).budget.tokens');
    expect(message).toContain('keys[0] (a).budget.period');
    expect(message).toContain('keys[1] (b).<field>: is not a known field');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('week');
  });

  it('refuses a file that does not parse, one without keys, and the short form beside it', () => {
    expect(errorOf(() => fromFile(`keys: [${SECRET}`))).toMatch(
      /file: not valid YAML or JSON$/,
    );
    expect(errorOf(() => fromFile(`keys: [${SECRET}`))).not.toContain(SECRET);
    expect(errorOf(() => fromFile({ keys: [] }))).toContain(
      'keys must list at least one key',
    );
    expect(
      errorOf(() =>
        loadKeyDefinitions(
          { KEYS_FILE: '/etc/keys.yaml', API_KEYS: SECRET },
          {},
          () => '',
        ),
      ),
    ).toContain('API_KEYS / ADMIN_API_KEYS: must be unset');
  });
});
