import { FakeErnie } from './fakes/fake-ernie.js';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from './support/catalogue-file.js';
import { postJson } from './support/sse-client.js';

/** Two ERNIE keys behind one model: ERNIE's QPS limit is per key. */
describe('two ERNIE deployments with their own keys (e2e, two fake ERNIE servers)', () => {
  let first: FakeErnie;
  let second: FakeErnie;
  let file: CatalogueFile;
  let app: AppProcess;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      FakeErnie.start({ apiKey: 'ak-first-0001', secretKey: 'sk-first-0001' }),
      FakeErnie.start({
        apiKey: 'ak-second-0002',
        secretKey: 'sk-second-0002',
      }),
    ]);
    file = await writeCatalogue({
      deployments: [first, second].map((fake, i) => ({
        name: `ernie-key-${i + 1}`,
        model: 'ernie',
        provider: 'ernie',
        baseUrl: fake.url,
        authBaseUrl: fake.url,
        apiKeyEnv: `ERNIE_KEY_${i + 1}`,
        secretKeyEnv: `ERNIE_SECRET_${i + 1}`,
      })),
    });
    app = await startApp({
      MODELS_FILE: file.path,
      ERNIE_KEY_1: first.apiKey,
      ERNIE_SECRET_1: first.secretKey,
      ERNIE_KEY_2: second.apiKey,
      ERNIE_SECRET_2: second.secretKey,
      LLM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([first.close(), second.close(), file.remove()]);
  });

  it('shares the load, each deployment with its own cached access token', async () => {
    for (let i = 0; i < 4; i++) {
      const answer = await postJson<{ model: string }>(
        `${app.url}/v1/chat/completions`,
        { model: 'ernie', messages: [{ role: 'user', content: 'Hi' }] },
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.model).toBe('ernie');
    }
    for (const fake of [first, second]) {
      expect(fake.chatRequests).toHaveLength(2);
      // One token per key, reused: a shared cache would send one key's token to the other server.
      expect(fake.tokenRequests).toHaveLength(1);
      expect(fake.chatRequests.map((r) => r.query.get('access_token'))).toEqual(
        [fake.issuedTokens[0], fake.issuedTokens[0]],
      );
    }
  });
});
