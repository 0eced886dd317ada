import { parseCorsOrigins } from './cors-origins.js';

describe('parseCorsOrigins', () => {
  const allows = (raw: string, origin: string) => {
    const { option } = parseCorsOrigins(raw);
    return (
      option === '*' ||
      option.some((entry) =>
        typeof entry === 'string' ? entry === origin : entry.test(origin),
      )
    );
  };
  const local = 'null,http://localhost:*,http://127.0.0.1:*,http://[::1]:*';

  it.each([
    ['null', true],
    ['http://localhost', true],
    ['http://localhost:5173', true],
    ['http://[::1]:3000', true],
    ['http://localhost:5173.evil.example', false],
    ['http://localhostevil.example', false],
    ['https://localhost:5173', false],
    ['http://127.0.0.1.evil.example', false],
  ])('the default list lets %s in: %s', (origin, expected) => {
    expect(allows(local, origin)).toBe(expected);
  });

  it('keeps `*`, and gives CSP the sources it can express', () => {
    expect(parseCorsOrigins(' * ')).toEqual({
      option: '*',
      connectSources: ['*'],
    });
    expect(parseCorsOrigins(local).connectSources).toEqual([
      'http://localhost:*',
      'http://127.0.0.1:*',
    ]);
  });
});
