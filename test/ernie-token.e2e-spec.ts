import { FakeErnie } from './fakes/fake-ernie.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { conversationState } from './support/conversation-state.js';
import { burstOfFirstRequests } from './support/token-burst.js';
import { ask, replyOf, send, subscribe } from './support/chat-helpers.js';
import { useProviderApp } from './support/provider-app.js';
import { ernieEnv, FAKE_CREDENTIALS } from './support/provider-env.js';
import { eventually, type SseClient } from './support/sse-client.js';

const REPLY = 'Hello from the fake model.';
const TUNING = {
  LLM_FIRST_TOKEN_TIMEOUT_MS: '2000',
  LLM_RETRY_BASE_MS: '20',
  LLM_RETRY_MAX_MS: '100',
  SHUTDOWN_GRACE_MS: '0',
  LOG_LEVEL: 'debug',
};

/** Neither the logs nor any stream may show a key, a secret or an issued token. */
function expectNoSecrets(
  app: AppProcess,
  fake: FakeErnie,
  clients: SseClient[] = [],
): void {
  for (const secret of [...FAKE_CREDENTIALS, ...fake.issuedTokens]) {
    expect(app.output()).not.toContain(secret);
    for (const client of clients) expect(client.raw).not.toContain(secret);
  }
}

describe('ERNIE access token through the real app', () => {
  const setup = useProviderApp({
    startFake: () => FakeErnie.start(),
    env: (fake) => ({ ...ernieEnv(fake), ...TUNING }),
    secrets: (fake) => [...FAKE_CREDENTIALS, ...fake.issuedTokens],
  });
  const { open } = setup;

  it('refreshes an expired access token (111) and retries once, successfully', async () => {
    const client = await open('t-expired');
    const first = await send(
      setup.app,
      [{ role: 'user', content: 'one' }],
      't-expired',
    );
    await replyOf(client, first.messageId);
    const tokensBefore = setup.fake.tokenRequests.length;
    setup.fake.revokeTokens();
    const second = await send(
      setup.app,
      [{ role: 'user', content: 'two' }],
      't-expired',
    );
    const reply = await replyOf(client, second.messageId);
    expect(reply.event).toBe('done');
    expect(reply.text).toBe(REPLY);
    expect(setup.fake.tokenRequests.length).toBe(tokensBefore + 1);
    // The first request used the revoked token, the retry the new one.
    const chats = setup.fake.chatRequests.slice(-2);
    expect(chats[0].query.get('access_token')).not.toBe(
      chats[1].query.get('access_token'),
    );
    expect(chats[1].query.get('access_token')).toBe(
      setup.fake.issuedTokens.at(-1),
    );
  });

  it('refreshes an invalid access token (110) the same way', async () => {
    const client = await open('t-invalid');
    setup.fake.enqueue({
      type: 'error',
      code: 110,
      message: 'Access token invalid or no longer valid',
    });
    expect((await ask(setup.app, client, 't-invalid', 'hi')).event).toBe(
      'done',
    );
    expect(setup.fake.chatRequests).toHaveLength(2);
    expect(setup.fake.tokenRequests).toHaveLength(1);
  });

  it('logged its work, so the secret checks read real output', async () => {
    // The log lines come through a pipe, which a loaded machine may read
    // after the HTTP answers that followed them.
    await eventually(
      () =>
        setup.app.output().includes('Obtained an ERNIE access token') &&
        setup.app.output().includes('ERNIE rejected the access token'),
      5_000,
      'the token log lines',
    );
    expect(setup.fake.issuedTokens.length).toBeGreaterThanOrEqual(2);
  });
});

describe('ERNIE access token, each case on a fresh app', () => {
  it('20 simultaneous first requests cause exactly one token request', async () => {
    const fake = await FakeErnie.start({ tokenDelayMs: 300 });
    const app = await startApp({ ...ernieEnv(fake), ...TUNING });
    try {
      const ids = await burstOfFirstRequests([app], fake);
      expect(fake.tokenRequests).toHaveLength(1);
      expect(
        new Set(fake.chatRequests.map((r) => r.query.get('access_token'))),
      ).toEqual(new Set([fake.issuedTokens[0]]));
      await eventually(
        async () => {
          const last = await Promise.all(
            ids.map(async (id) =>
              (await conversationState(app, id)).turns.at(-1),
            ),
          );
          return last.every(
            (t) => t?.role === 'assistant' && t.content === REPLY,
          );
        },
        10_000,
        'every reply stored',
      );
      expectNoSecrets(app, fake);
    } finally {
      await app.stop();
      await fake.close();
    }
  });

  it('fails the reply with upstream_auth when Baidu refuses the keys', async () => {
    const fake = await FakeErnie.start();
    const wrongSecret = 'Zx9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0Ed';
    const app = await startApp({
      ...ernieEnv(fake),
      ...TUNING,
      ERNIE_SECRET_KEY: wrongSecret,
    });
    try {
      const client = await subscribe(app, 'bad-keys');
      const reply = await ask(app, client, 'bad-keys', 'hi');
      await client.close();
      expect(reply.event).toBe('error');
      expect(reply.code).toBe('upstream_auth');
      expect(reply.message).toContain('ERNIE_SECRET_KEY');
      expect(fake.tokenRequests).toHaveLength(1);
      expect(fake.chatRequests).toHaveLength(0);
      for (const text of [app.output(), client.raw]) {
        expect(text).not.toContain(wrongSecret);
      }
      expectNoSecrets(app, fake, [client]);
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
