import { startApp, type AppProcess } from '../support/app-process.js';
import { postJson } from '../support/sse-client.js';

const KEY = 'lockout-key-0123456789abcdef';

/**
 * Issue #24, finding 7: with TRUST_PROXY_HOPS=0, an attacker's wrong keys
 * from an address made valid key A from that address get 429 too (behind a
 * proxy: everyone). The lockout stops guesses, never a valid key.
 */
describe('the auth-failure lockout blocks guesses, not valid keys (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      API_KEYS: KEY,
      TRUST_PROXY_HOPS: '0',
      AUTH_FAILURE_LIMIT: '3',
      AUTH_FAILURE_WINDOW_MS: '60000',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  const attempt = (key: string) =>
    postJson(
      `${app.url}/server/stream-tokens`,
      {},
      { Authorization: `Bearer ${key}` },
    );

  it('keeps serving a valid key from an address locked out for guessing', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await attempt(`guess-${i}-0123456789abcdef`)).status).toBe(401);
    }
    const guess = await attempt('guess-again-0123456789abcdef');
    expect(guess.status).toBe(429);
    expect(guess.body).toMatchObject({ code: 'too_many_auth_failures' });

    expect((await attempt(KEY)).status).toBe(200);
    const read = await fetch(`${app.url}/server/conversations/missing`, {
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(read.status).toBe(404);
    // The guesses stay blocked after the valid key was served.
    expect((await attempt('guess-later-0123456789abcdef')).status).toBe(429);
  });
});
