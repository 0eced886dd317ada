import {
  FAKE_OPENAI_API_KEY,
  FAKE_QIANFAN_API_KEY,
  FakeOpenAi,
} from './fakes/fake-openai.js';
import { ask } from './support/chat-helpers.js';
import { useProviderApp } from './support/provider-app.js';
import {
  FAKE_CREDENTIALS,
  openAiEnv,
  qianfanEnv,
} from './support/provider-env.js';
import {
  expectUpstreamClosedWhenCancelled,
  expectUpstreamClosedWhenListenerLeaves,
} from './support/upstream-closing.js';

const SYSTEM_PROMPT = 'You are a concise assistant for the e2e suite.';
const REPLY = 'Hello from the fake model.';
const IDLE_TIMEOUT_MS = 600;
const RETRY_MAX_MS = 150;
const QIANFAN_APP_ID = 'app-7f3c9e21';

interface Variant {
  provider: 'qianfan' | 'openai';
  apiKey: string;
  path: string;
  model: string;
  env: (fake: FakeOpenAi) => Record<string, string>;
}

const VARIANTS: Variant[] = [
  {
    provider: 'qianfan',
    apiKey: FAKE_QIANFAN_API_KEY,
    path: '/v2/chat/completions',
    model: 'ernie-speed-8k',
    env: (fake) => qianfanEnv(fake, QIANFAN_APP_ID),
  },
  {
    provider: 'openai',
    apiKey: FAKE_OPENAI_API_KEY,
    path: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    env: openAiEnv,
  },
];

describe.each(VARIANTS)(
  '$provider provider through the real app (fake upstream)',
  (variant) => {
    const setup = useProviderApp({
      startFake: () => FakeOpenAi.start({ apiKey: variant.apiKey }),
      env: (fake) => ({
        ...variant.env(fake),
        SYSTEM_PROMPT,
        LLM_FIRST_TOKEN_TIMEOUT_MS: '1000',
        LLM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
        LLM_MAX_RETRIES: '2',
        LLM_RETRY_BASE_MS: '20',
        LLM_RETRY_MAX_MS: String(RETRY_MAX_MS),
        CANCEL_GRACE_MS: '100',
        SHUTDOWN_GRACE_MS: '0',
        LOG_LEVEL: 'debug',
      }),
      secrets: () => FAKE_CREDENTIALS,
    });
    const { open } = setup;

    it('streams the reply as several deltas then done with usage; the system prompt is the first message', async () => {
      const client = await open('o-stream');
      const reply = await ask(setup.app, client, 'o-stream', 'Hi');
      expect(reply.event).toBe('done');
      expect(reply.deltas.length).toBeGreaterThanOrEqual(3);
      expect(reply.deltas.join('')).toBe(REPLY);
      expect(reply.finishReason).toBe('stop');
      expect(reply.usage?.completionTokens).toBe(5);
      const [request] = setup.fake.chatRequests;
      expect(request.path).toBe(variant.path);
      expect(request.headers.authorization).toBe(`Bearer ${variant.apiKey}`);
      expect(request.headers.appid).toBe(
        variant.provider === 'qianfan' ? QIANFAN_APP_ID : undefined,
      );
      expect(request.body).toMatchObject({
        model: variant.model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: 'Hi' },
        ],
      });
    });

    it('retries a rate limit (honouring Retry-After) and a 5xx, then succeeds', async () => {
      const client = await open('o-retry');
      setup.fake.enqueue(
        {
          type: 'error',
          status: 429,
          code: 'rate_limit_exceeded',
          headers: { 'retry-after': '5' },
        },
        { type: 'http', status: 503 },
      );
      const reply = await ask(setup.app, client, 'o-retry', 'hi');
      expect(reply.event).toBe('done');
      expect(reply.text).toBe(REPLY);
      const [limited, unavailable] = setup.fake.chatRequests;
      expect(setup.fake.chatRequests).toHaveLength(3);
      // Retry-After (5 s) is capped by LLM_RETRY_MAX_MS, but never undercut by jitter.
      expect(
        unavailable.receivedAt - limited.receivedAt,
      ).toBeGreaterThanOrEqual(RETRY_MAX_MS - 10);
    });

    it('sends a history of more than 3 turns, alternating', async () => {
      const client = await open('o-history');
      for (const text of ['first', 'second', 'third', 'fourth']) {
        expect((await ask(setup.app, client, 'o-history', text)).event).toBe(
          'done',
        );
      }
      expect(setup.fake.chatRequests.at(-1)!.body.messages).toEqual([
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: REPLY },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: REPLY },
        { role: 'user', content: 'third' },
        { role: 'assistant', content: REPLY },
        { role: 'user', content: 'fourth' },
      ]);
    });

    it('closes the upstream request when the last listener leaves', () =>
      expectUpstreamClosedWhenListenerLeaves(setup, 'o-leave'));

    it('closes the upstream request when the reply is cancelled', () =>
      expectUpstreamClosedWhenCancelled(setup, 'o-cancel'));
  },
);
