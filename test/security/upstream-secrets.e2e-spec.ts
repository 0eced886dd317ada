import {
  FAKE_ERNIE_API_KEY,
  FAKE_ERNIE_SECRET_KEY,
  FakeErnie,
} from '../fakes/fake-ernie.js';
import { FAKE_OPENAI_API_KEY, FakeOpenAi } from '../fakes/fake-openai.js';
import type { FakeBehaviour } from '../fakes/fake-upstream.js';
import { startApp, type AppProcess } from '../support/app-process.js';
import { replyOf, send, subscribe } from '../support/chat-helpers.js';
import { ernieEnv, openAiEnv } from '../support/provider-env.js';

/** A key of letters only: the heuristic redactor (letters and digits mixed) let it through. */
const LETTERS_ONLY_KEY = 'sk-LettersOnlyQwErTyUiOpAsDfGhJkLzXcVbNmPoIuYtReWq';

/** Every character apart, as a hostile upstream may echo it. */
const spaced = (text: string) => Array.from(text).join(' ');

/**
 * Neither the key nor any 10 characters of it in a row, also once spaces,
 * escapes and quotes between its characters are taken out.
 */
function expectNoKey(texts: string[], key: string): void {
  for (const text of texts) {
    expect(text).not.toContain(key);
    const squeezed = text.replace(/[\s\\"]+/g, '');
    for (let at = 0; at + 10 <= key.length; at++) {
      expect(squeezed).not.toContain(key.slice(at, at + 10));
    }
  }
}

/** The hostile answers: the key as code and message, plain and spaced out. */
const echoes = (key: string): [string, FakeBehaviour][] => [
  [
    'HTTP 401, the key as code and message',
    {
      type: 'error',
      status: 401,
      code: key,
      message: `Incorrect API key provided: ${key}`,
    },
  ],
  [
    'HTTP 400, the key spaced out as code and message',
    {
      type: 'error',
      status: 400,
      code: spaced(key),
      message: `You sent ${spaced(key)}`,
      errorType: spaced(key),
    },
  ],
  [
    'HTTP 200 JSON with an error object echoing the key',
    {
      type: 'http',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { code: key, message: `bad key ${key}`, type: key },
      }),
    },
  ],
];

async function failedSend(app: AppProcess) {
  const client = await subscribe(app);
  try {
    const { messageId } = await send(app, [{ role: 'user', content: 'hi' }]);
    const end = await replyOf(client, messageId, 20_000);
    return { end, raw: client.raw };
  } finally {
    await client.close();
  }
}

async function failedCompletion(app: AppProcess, stream: boolean) {
  const response = await fetch(`${app.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: 'm',
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Issue #24 (6): an OpenAI-compatible upstream that echoes the gateway's API
 * key must not get it to a client or a log line, whatever the key's shape
 * and however the echo spaces it out; our own messages stay readable.
 */
describe.each([
  ['a letters-only key', LETTERS_ONLY_KEY],
  ['an ordinary key', FAKE_OPENAI_API_KEY],
])('an upstream echoing %s (e2e)', (_name, key) => {
  let fake: FakeOpenAi;
  let app: AppProcess;
  beforeAll(async () => {
    fake = await FakeOpenAi.start({ apiKey: key });
    app = await startApp({
      ...openAiEnv(fake),
      LLM_MAX_RETRIES: '0',
      LOG_LEVEL: 'trace',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it.each(echoes(key))(
    '%s: /server/send gets our code and message only',
    async (_case, echo) => {
      fake.enqueue(echo);
      const { end, raw } = await failedSend(app);
      expect(fake.chatRequests.at(-1)!.headers.authorization).toBe(
        `Bearer ${key}`,
      );
      expect(end.event).toBe('error');
      expect(end.code).toMatch(/^upstream_/);
      expect(end.message).not.toContain('[REDACTED]');
      expectNoKey([raw, JSON.stringify(end), app.output()], key);
    },
  );

  it.each(echoes(key))(
    '%s: /v1 gets our code and message only, streamed or not',
    async (_case, echo) => {
      fake.enqueue(echo, echo);
      const whole = await failedCompletion(app, false);
      const streamed = await failedCompletion(app, true);
      expect(whole.status).toBeGreaterThanOrEqual(400);
      const { error } = JSON.parse(whole.text) as {
        error: { message: string };
      };
      expect(error.message).not.toContain('[REDACTED]');
      expectNoKey([whole.text, streamed.text, app.output()], key);
    },
  );
});

describe('ERNIE echoing its credentials spaced out (e2e)', () => {
  let fake: FakeErnie;
  let app: AppProcess;
  beforeAll(async () => {
    fake = await FakeErnie.start();
    app = await startApp({
      ...ernieEnv(fake),
      LLM_MAX_RETRIES: '0',
      LOG_LEVEL: 'trace',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('an unknown error code with the keys spaced out in its message: neither leaks', async () => {
    fake.enqueue({
      type: 'error',
      code: 336999,
      message: `bad key ${spaced(FAKE_ERNIE_API_KEY)} secret ${spaced(FAKE_ERNIE_SECRET_KEY)}`,
    });
    const { end, raw } = await failedSend(app);
    expect(end).toMatchObject({
      event: 'error',
      details: { upstreamCode: 336999 },
    });
    for (const key of [FAKE_ERNIE_API_KEY, FAKE_ERNIE_SECRET_KEY]) {
      expectNoKey([raw, app.output()], key);
    }
  });

  it('a rejected access token: our message reads as written', async () => {
    fake.enqueue(
      { type: 'error', code: 110, message: 'Access token invalid' },
      { type: 'error', code: 110, message: 'Access token invalid' },
    );
    const { end } = await failedSend(app);
    expect(end).toMatchObject({ event: 'error', code: 'upstream_auth' });
    expect(end.message).toBe(
      'ERNIE rejected the access token, even a freshly issued one; check the API key and secret key.',
    );
  });
});
