import {
  FAKE_QIANFAN_API_KEY,
  FakeOpenAi,
} from '../../../../test/fakes/fake-openai.js';
import { collectChunks } from '../../../../test/support/collect-chunks.js';
import type { LlmRequest } from '../../llm.types.js';
import {
  OpenAiCompatibleProvider,
  type OpenAiCompatibleOptions,
} from './openai-compatible.provider.js';

describe('OpenAiCompatibleProvider (against the fake OpenAI upstream)', () => {
  let fake: FakeOpenAi;
  // A fresh signal per call, as LlmService gives each attempt.
  const never = () => new AbortController().signal;
  const hello: LlmRequest = { messages: [{ role: 'user', content: 'Hello' }] };

  const build = (overrides: Partial<OpenAiCompatibleOptions> = {}) =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      label: 'the OpenAI-compatible API',
      apiKey: fake.apiKey,
      baseURL: `${fake.url}/v1`,
      model: 'gpt-test',
      connectTimeoutMs: 2_000,
      alternatingTurns: false,
      maxInputChars: 100_000,
      ...overrides,
    });

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  it('streams deltas then finish with usage, asking for usage in the stream', async () => {
    const got = await collectChunks(
      build().stream({ ...hello, system: 'Be brief.' }, never()),
    );
    expect(got.error).toBeUndefined();
    expect(got.chunks.filter((c) => c.type === 'delta')).toHaveLength(5);
    expect(got.text).toBe('Hello from the fake model.');
    expect(got.finish).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { promptTokens: 14, completionTokens: 5, totalTokens: 19 },
    });
    const [request] = fake.chatRequests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('speaks Qianfan v2 when configured so: /v2 path, appid header, turn rules', async () => {
    const qianfan = await FakeOpenAi.start({ apiKey: FAKE_QIANFAN_API_KEY });
    try {
      const got = await collectChunks(
        build({
          name: 'qianfan',
          apiKey: FAKE_QIANFAN_API_KEY,
          baseURL: `${qianfan.url}/v2`,
          defaultHeaders: { appid: 'app-123' },
          alternatingTurns: true,
        }).stream(
          {
            messages: [
              { role: 'assistant', content: 'Welcome' },
              { role: 'user', content: 'a' },
              { role: 'user', content: 'b' },
            ],
          },
          never(),
        ),
      );
      expect(got.error).toBeUndefined();
      const [request] = qianfan.chatRequests;
      expect(request.path).toBe('/v2/chat/completions');
      expect(request.headers.appid).toBe('app-123');
      expect(request.body.messages).toEqual([
        { role: 'user', content: 'a\n\nb' },
      ]);
    } finally {
      await qianfan.close();
    }
  });

  it.each([
    [
      '429 with Retry-After',
      {
        type: 'error',
        status: 429,
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': '2' },
      },
      { code: 'upstream_rate_limited', retryable: true, retryAfterMs: 2000 },
    ],
    [
      '429 for an exhausted quota',
      { type: 'error', status: 429, code: 'insufficient_quota' },
      { code: 'upstream_rate_limited', retryable: false },
    ],
    [
      '500 with an HTML page',
      { type: 'http', status: 502 },
      { code: 'upstream_unavailable', retryable: true },
    ],
    [
      '401',
      { type: 'error', status: 401, code: 'invalid_api_key' },
      { code: 'upstream_auth', retryable: false },
    ],
    [
      '403',
      { type: 'error', status: 403, code: 'no_permission' },
      { code: 'upstream_auth', retryable: false },
    ],
    [
      '400 characters_too_long',
      { type: 'error', status: 400, code: 'characters_too_long' },
      { code: 'upstream_input_too_long', retryable: false },
    ],
    [
      '400 context_length_exceeded',
      { type: 'error', status: 400, code: 'context_length_exceeded' },
      { code: 'upstream_input_too_long', retryable: false },
    ],
    [
      '400 invalid_argument',
      { type: 'error', status: 400, code: 'invalid_argument' },
      { code: 'upstream_bad_request', retryable: false },
    ],
    [
      '404 invalid_model',
      { type: 'error', status: 404, code: 'invalid_model' },
      { code: 'upstream_bad_request', retryable: false },
    ],
  ] as const)(
    'maps %s, with one request only',
    async (_name, behaviour, expected) => {
      fake.enqueue(behaviour);
      const got = await collectChunks(build().stream(hello, never()));
      expect(got.error).toMatchObject(expected);
      expect(fake.chatRequests).toHaveLength(1);
    },
  );

  it('never passes the upstream message on (it may quote the key)', async () => {
    fake.enqueue({
      type: 'error',
      status: 401,
      code: 'invalid_api_key',
      message: `Incorrect API key provided: ${fake.apiKey.slice(0, 12)}`,
    });
    const got = await collectChunks(build().stream(hello, never()));
    expect(JSON.stringify(got.error)).not.toContain(fake.apiKey.slice(0, 12));
  });

  it.each([
    [
      'a malformed chunk',
      { type: 'malformed', afterChunks: 2 },
      'upstream_protocol',
    ],
    [
      'a cut connection',
      { type: 'cut', afterChunks: 2 },
      'upstream_unavailable',
    ],
    [
      'an end without finish or [DONE]',
      { type: 'end-early', afterChunks: 2 },
      'upstream_unavailable',
    ],
  ] as const)(
    'reports %s after the partial text',
    async (_name, behaviour, code) => {
      fake.enqueue(behaviour);
      const got = await collectChunks(build().stream(hello, never()));
      expect(got.text).toBe('Hello from');
      expect(got.error).toMatchObject({ code });
    },
  );

  it('maps a JSON error sent with HTTP 200 instead of a stream', async () => {
    fake.enqueue({
      type: 'http',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'tokens_too_long',
          message: 'x',
          type: 'invalid_request_error',
        },
      }),
    });
    const got = await collectChunks(build().stream(hello, never()));
    expect(got.error).toMatchObject({ code: 'upstream_input_too_long' });
  });

  it('gives up when no headers come within the connect timeout', async () => {
    fake.enqueue({ type: 'stall', beforeHeaders: true });
    const got = await collectChunks(
      build({ connectTimeoutMs: 150 }).stream(hello, never()),
    );
    expect(got.error).toMatchObject({
      code: 'upstream_timeout',
      retryable: true,
    });
    expect(fake.chatRequests).toHaveLength(1);
    await fake.waitFor(() => fake.chatRequests[0].closedEarly, 2_000, 'close');
  });

  it('fails retryably when nothing listens at the base URL', async () => {
    const got = await collectChunks(
      build({ baseURL: 'http://127.0.0.1:9/v1' }).stream(hello, never()),
    );
    expect(got.error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
  });

  it('closes the upstream request when the signal aborts mid-stream', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1 });
    const controller = new AbortController();
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of build().stream(hello, controller.signal)) {
        if (chunk.type === 'delta') texts.push(chunk.text);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(texts).toEqual(['Hello']);
    expect(error).toMatchObject({ code: 'cancelled' });
    await fake.waitFor(() => fake.chatRequests[0].closedEarly, 2_000, 'close');
  });
});
