import { FAKE_ERNIE_API_KEY, FakeErnie } from './fakes/fake-ernie.js';
import { FAKE_OPENAI_API_KEY } from './fakes/fake-openai.js';
import { startApp, startAppExpectingFailure } from './support/app-process.js';
import { replyOf, send, subscribe } from './support/chat-helpers.js';

describe('provider credentials at start-up', () => {
  it.each([
    ['ernie', 'no key', {}, ['ERNIE_API_KEY', 'ERNIE_SECRET_KEY']],
    [
      'ernie',
      'only the API key',
      { ERNIE_API_KEY: FAKE_ERNIE_API_KEY },
      ['ERNIE_SECRET_KEY'],
    ],
    [
      'qianfan',
      'only an app id',
      { QIANFAN_APP_ID: 'app-1' },
      ['QIANFAN_API_KEY'],
    ],
    [
      'openai',
      'only a base URL',
      { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      ['OPENAI_API_KEY'],
    ],
  ])(
    'LLM_PROVIDER=%s with %s refuses to start, naming what is missing',
    async (provider, _label, env, missing) => {
      const { code, output } = await startAppExpectingFailure({
        LLM_PROVIDER: provider,
        ...env,
      });
      expect(code).toBe(1);
      expect(output).toContain('Start-up failed');
      expect(output).toContain(
        `${missing.join(', ')}: required when LLM_PROVIDER=${provider}`,
      );
      expect(output).not.toContain(FAKE_ERNIE_API_KEY);
      expect(output).not.toMatch(/\n\s+at /);
    },
  );

  it('starts with the keys of the chosen provider only', async () => {
    const app = await startApp({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    expect(await app.stop()).toBe(0);
  });
});

describe('ERNIE credentials refused by Baidu', () => {
  it('fails the reply with upstream_auth, and logs neither key', async () => {
    const fake = await FakeErnie.start();
    const wrongSecret = 'Zx9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0Ed';
    const app = await startApp({
      LLM_PROVIDER: 'ernie',
      ERNIE_API_KEY: fake.apiKey,
      ERNIE_SECRET_KEY: wrongSecret,
      ERNIE_AUTH_BASE_URL: fake.url,
      ERNIE_BASE_URL: fake.url,
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'debug',
    });
    try {
      const client = await subscribe(app, 'bad-keys');
      const { messageId } = await send(
        app,
        [{ role: 'user', content: 'hi' }],
        'bad-keys',
      );
      const reply = await replyOf(client, messageId);
      await client.close();
      expect(reply.event).toBe('error');
      expect(reply.code).toBe('upstream_auth');
      expect(reply.message).toContain('ERNIE_SECRET_KEY');
      expect(fake.tokenRequests).toHaveLength(1);
      expect(fake.chatRequests).toHaveLength(0);
      for (const text of [app.output(), client.raw]) {
        expect(text).not.toContain(wrongSecret);
        expect(text).not.toContain(fake.apiKey);
      }
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
