import { Logger } from '@nestjs/common';
import { FakeErnie } from '../../../../test/fakes/fake-ernie.js';
import { LlmError } from '../../llm-error.js';
import { MemoryAccessTokenStore } from '../../token-store/memory/memory-access-token-store.js';
import { ErnieAccessTokenSource } from './ernie-access-token-source.js';

describe('ErnieAccessTokenSource', () => {
  let fake: FakeErnie;
  let store: MemoryAccessTokenStore;
  let now: number;
  // A fresh signal per call, as LlmService gives each attempt.
  const never = () => new AbortController().signal;

  const source = (overrides: { secretKey?: string; timeoutMs?: number } = {}) =>
    new ErnieAccessTokenSource(
      {
        apiKey: fake.apiKey,
        secretKey: overrides.secretKey ?? fake.secretKey,
        authBaseUrl: fake.url,
      },
      store,
      { timeoutMs: overrides.timeoutMs ?? 2_000, now: () => now },
    );

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await FakeErnie.start();
  });
  beforeEach(() => {
    fake.reset();
    fake.tokenDelayMs = 0;
    fake.tokenLifetimeS = 2_592_000;
    store = new MemoryAccessTokenStore();
    now = Date.now();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('asks once for 20 concurrent first callers, and they all get that token', async () => {
    fake.tokenDelayMs = 50;
    const tokens = source();
    const got = await Promise.all(
      Array.from({ length: 20 }, () => tokens.get(never())),
    );
    expect(fake.tokenRequests).toHaveLength(1);
    expect(new Set(got)).toEqual(new Set([fake.issuedTokens.at(-1)]));
    const query = fake.tokenRequests[0].query;
    expect(query.get('grant_type')).toBe('client_credentials');
    expect(query.get('client_id')).toBe(fake.apiKey);
  });

  it('reuses the cached token until a safety margin before it expires', async () => {
    fake.tokenLifetimeS = 1_000;
    const tokens = source();
    const first = await tokens.get(never());
    now += 899_000;
    expect(await tokens.get(never())).toBe(first);
    expect(fake.tokenRequests).toHaveLength(1);
    // 10% of the lifetime before expiry, the token is renewed.
    now += 2_000;
    const second = await tokens.get(never());
    expect(second).not.toBe(first);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('caps the margin at one day for 30-day tokens', async () => {
    const tokens = source();
    await tokens.get(never());
    const cached = await store.get(keyOf(store));
    expect(cached!.expiresAt - now).toBe(2_592_000_000 - 86_400_000);
  });

  it('forgets a rejected token, but not a newer one another caller obtained', async () => {
    const tokens = source();
    const stale = await tokens.get(never());
    await tokens.invalidate(stale);
    const fresh = await tokens.get(never());
    expect(fresh).not.toBe(stale);
    await tokens.invalidate(stale);
    expect(await tokens.get(never())).toBe(fresh);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('lets a caller leave on abort without failing the others waiting for the same token', async () => {
    fake.tokenDelayMs = 100;
    const tokens = source();
    const leaving = new AbortController();
    const a = tokens.get(leaving.signal);
    const b = tokens.get(never());
    leaving.abort();
    await expect(a).rejects.toMatchObject({ code: 'cancelled' });
    expect(await b).toBe(fake.issuedTokens.at(-1));
  });

  it('fails with upstream_auth on rejected credentials, without echoing them', async () => {
    const error = await source({ secretKey: 'wrong-secret-0123456789' })
      .get(never())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({
      code: 'upstream_auth',
      retryable: false,
      details: { upstreamCode: 'invalid_client' },
    });
    expect(JSON.stringify(error)).not.toContain('wrong-secret');
    expect((error as Error).message).not.toContain('wrong-secret');
  });

  it('fails retryably when the token service is down, and asks again next time', async () => {
    fake.enqueueToken({ type: 'http', status: 500 });
    const tokens = source();
    await expect(tokens.get(never())).rejects.toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    expect(await tokens.get(never())).toBe(fake.issuedTokens.at(-1));
  });

  it('gives up on a token service that does not answer', async () => {
    fake.enqueueToken({ type: 'stall', beforeHeaders: true });
    await expect(source({ timeoutMs: 100 }).get(never())).rejects.toMatchObject(
      {
        code: 'upstream_timeout',
      },
    );
    await fake.waitFor(() => fake.tokenRequests[0]?.closedEarly, 2_000);
  });
});

/** The one key the source used in the store. */
function keyOf(store: MemoryAccessTokenStore): string {
  const keys = [
    ...(store as unknown as { tokens: Map<string, unknown> }).tokens.keys(),
  ];
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^ernie:[0-9a-f]{16}$/);
  return keys[0];
}
