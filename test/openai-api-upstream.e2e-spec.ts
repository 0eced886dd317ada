import OpenAI, { APIError, BadRequestError, InternalServerError } from 'openai';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { metricValue } from './support/metrics.js';
import { FAKE_CREDENTIALS, openAiEnv } from './support/provider-env.js';
import { eventually } from './support/sse-client.js';

const GATEWAY_KEY = 'sk-gw-upstream-9d8c7b6a5f4e3d2c1b0a';
const REPLY = 'Hello from the fake model.';

describe('/v1 over a real upstream path (e2e, fake OpenAI upstream)', () => {
  let fake: FakeOpenAi;
  let app: AppProcess;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    app = await startApp({
      ...openAiEnv(fake),
      API_KEYS: GATEWAY_KEY,
      LLM_MAX_RETRIES: '0',
      // Short for the never-answering upstream, yet roomy for a busy machine's first call.
      LLM_FIRST_TOKEN_TIMEOUT_MS: '2500',
    });
    client = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: GATEWAY_KEY,
      maxRetries: 0,
    });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('relays a completion, passing the system prompt and sampling settings upstream', async () => {
    const completion = await client.chat.completions.create({
      model: 'whatever',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.4,
      top_p: 0.8,
      max_tokens: 64,
    });
    expect(completion.choices[0].message.content).toBe(REPLY);
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    const upstream = fake.chatRequests.at(-1)!;
    expect(upstream.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.4,
      top_p: 0.8,
      // Under the name the client used: some servers ignore the other one.
      max_tokens: 64,
    });
    expect(upstream.body).not.toHaveProperty('max_completion_tokens');
    // The gateway's key is for the gateway only; upstream gets its own.
    expect(upstream.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it('streams the upstream reply with usage', async () => {
    fake.enqueue({ type: 'reply', chunkDelayMs: 10 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(REPLY);
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('closes the upstream request when the client disconnects mid-stream', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Then leave' }],
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    await eventually(
      () => fake.chatRequests.at(-1)?.closedEarly === true,
      5_000,
      'the upstream request closed',
    );
    await eventually(
      async () => (await metricValue(app.url, 'chatgw_open_streams')) === 0,
      5_000,
      'the stream slot released',
    );
  });

  it.each([
    [
      'an upstream rate limit',
      503,
      'upstream_rate_limited',
      { type: 'error', status: 429, code: 'rate_limit_exceeded' } as const,
    ],
    [
      'refused upstream credentials',
      502,
      'upstream_auth',
      { type: 'error', status: 401, code: 'invalid_api_key' } as const,
    ],
    [
      'an upstream that never answers',
      504,
      'upstream_timeout',
      { type: 'stall', beforeHeaders: true } as const,
    ],
  ])(
    'answers %s before any text with HTTP %i %s',
    async (_what, status, code, behaviour) => {
      for (const stream of [false, true]) {
        fake.enqueue(behaviour);
        const error = await client.chat.completions
          .create({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'Hi' }],
            stream,
          })
          .then(async (result) => {
            // A stream that started would carry the error in an event instead.
            if (stream)
              for await (const chunk of result as AsyncIterable<unknown>)
                void chunk;
            return undefined;
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(APIError);
        expect({
          stream,
          status: (error as APIError).status,
          code: (error as APIError).code,
        }).toEqual({
          stream,
          status,
          code,
        });
        if (status >= 500) expect(error).toBeInstanceOf(InternalServerError);
      }
    },
  );

  it('passes an input refusal on as a 400 the client can act on', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      code: 'context_length_exceeded',
      message: 'too long',
    });
    const error = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it('reports an upstream cut after the first chunk as an error event', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream)
        text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Hello from');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).code).toMatch(/^upstream_/);
  });

  it('never logs the gateway key or the upstream credentials', async () => {
    await eventually(
      () => app.output().includes('/v1/chat/completions'),
      5_000,
      'request logs',
    );
    for (const secret of [GATEWAY_KEY, ...FAKE_CREDENTIALS]) {
      expect(app.output()).not.toContain(secret);
    }
  });
});
