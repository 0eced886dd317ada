import OpenAI from 'openai';
import {
  FAKE_ERNIE_API_KEY,
  FAKE_ERNIE_SECRET_KEY,
  FakeErnie,
} from '../fakes/fake-ernie.js';
import { FAKE_OPENAI_API_KEY, FakeOpenAi } from '../fakes/fake-openai.js';
import { startApp, type AppProcess } from '../support/app-process.js';
import { replyOf, send, subscribe } from '../support/chat-helpers.js';
import { ernieEnv, openAiEnv } from '../support/provider-env.js';

const QUIET = { LLM_MAX_RETRIES: '0', LOG_LEVEL: 'trace' };

/** Sends one message and returns the raw event stream up to its end. */
async function failedReply(app: AppProcess) {
  const client = await subscribe(app);
  try {
    const { messageId } = await send(app, [{ role: 'user', content: 'hi' }]);
    const end = await replyOf(client, messageId, 20_000);
    return { end, raw: client.raw };
  } finally {
    await client.close();
  }
}

function expectNoSecret(texts: string[], secrets: string[]): void {
  for (const text of texts) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

/**
 * Issue #14: a token endpoint that echoed its input put the keys into
 * `details.upstreamCode`, sent to every subscriber and logged. Upstreams
 * here echo what the gateway sent them, credentials included.
 */
describe('upstream error text never reaches events or logs (e2e)', () => {
  describe('ERNIE', () => {
    let fake: FakeErnie;
    let app: AppProcess;
    beforeAll(async () => {
      fake = await FakeErnie.start();
      app = await startApp({ ...ernieEnv(fake), ...QUIET });
    });
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    it.each([
      ['the credentials as the error code', `${FAKE_ERNIE_API_KEY}`],
      [
        'the whole query as the error code',
        `client_id=${FAKE_ERNIE_API_KEY}&client_secret=${FAKE_ERNIE_SECRET_KEY}`,
      ],
      [
        'a sentence quoting the secret',
        `invalid client secret ${FAKE_ERNIE_SECRET_KEY}`,
      ],
    ])('from the token endpoint: %s', async (_name, echoed) => {
      fake.enqueueToken({
        type: 'http',
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ error: echoed, error_description: echoed }),
      });
      const { end, raw } = await failedReply(app);
      // The fake did receive the secrets it echoed.
      const asked = fake.tokenRequests.at(-1)!.query;
      expect(asked.get('client_secret')).toBe(FAKE_ERNIE_SECRET_KEY);
      expect(end).toMatchObject({ event: 'error', code: 'upstream_auth' });
      expectNoSecret(
        [raw, app.output()],
        [FAKE_ERNIE_API_KEY, FAKE_ERNIE_SECRET_KEY],
      );
    });

    it('from the chat endpoint: keeps the numeric code, drops the access token it echoes', async () => {
      const warmUp = await failedReply(app);
      expect(warmUp.end.event).toBe('done');
      const token = fake.issuedTokens.at(-1)!;
      fake.enqueue({
        type: 'error',
        code: 336999,
        message: `bad request with access_token ${token} and key ${FAKE_ERNIE_API_KEY}`,
      });
      const { end, raw } = await failedReply(app);
      expect(end).toMatchObject({
        event: 'error',
        details: { upstreamCode: 336999 },
      });
      expectNoSecret(
        [raw, app.output()],
        [token, FAKE_ERNIE_API_KEY, FAKE_ERNIE_SECRET_KEY],
      );
    });
  });

  describe('OpenAI-compatible', () => {
    let fake: FakeOpenAi;
    let app: AppProcess;
    beforeAll(async () => {
      fake = await FakeOpenAi.start();
      app = await startApp({ ...openAiEnv(fake), ...QUIET });
    });
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    it.each([
      [401, FAKE_OPENAI_API_KEY],
      [400, `Bearer ${FAKE_OPENAI_API_KEY}`],
      [500, `key=${FAKE_OPENAI_API_KEY}`],
    ])(
      'HTTP %i echoing the key as code and message: our code only, on /server and /v1',
      async (status, echoed) => {
        fake.enqueue({
          type: 'error',
          status,
          code: echoed,
          message: `Incorrect API key provided: ${echoed}`,
        });
        const { end, raw } = await failedReply(app);
        expect(fake.chatRequests.at(-1)!.headers.authorization).toBe(
          `Bearer ${FAKE_OPENAI_API_KEY}`,
        );
        expect(end.event).toBe('error');
        expect(end.details?.upstreamCode).toBeUndefined();

        fake.enqueue({
          type: 'error',
          status,
          code: echoed,
          message: `Incorrect API key provided: ${echoed}`,
        });
        const sdk = new OpenAI({
          baseURL: `${app.url}/v1`,
          apiKey: 'unused',
          maxRetries: 0,
        });
        const error = (await sdk.chat.completions
          .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
          .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(error).toBeInstanceOf(OpenAI.APIError);
        expectNoSecret(
          [raw, JSON.stringify(error.error), error.message, app.output()],
          [FAKE_OPENAI_API_KEY],
        );
      },
    );
  });
});
