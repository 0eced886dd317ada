import { Logger } from '@nestjs/common';
import { FakeErnie } from '../../../../test/fakes/fake-ernie.js';
import { collectChunks } from '../../../../test/support/collect-chunks.js';
import type { LlmRequest } from '../../llm.types.js';
import { MemoryAccessTokenStore } from '../../token-store/memory/memory-access-token-store.js';
import { ErnieAccessTokenSource } from './ernie-access-token-source.js';
import { ErnieProvider } from './ernie.provider.js';

describe('ErnieProvider (against the fake ERNIE)', () => {
  let fake: FakeErnie;
  let provider: ErnieProvider;
  // A fresh signal per call, as LlmService gives each attempt.
  const never = () => new AbortController().signal;
  const hello: LlmRequest = { messages: [{ role: 'user', content: 'Hello' }] };

  const build = (
    options: { connectTimeoutMs?: number; maxInputChars?: number } = {},
  ) =>
    new ErnieProvider(
      {
        baseUrl: fake.url,
        modelEndpoint: 'eb-instant',
        maxInputChars: options.maxInputChars ?? 11_200,
        connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
      },
      new ErnieAccessTokenSource(
        {
          apiKey: fake.apiKey,
          secretKey: fake.secretKey,
          authBaseUrl: fake.url,
        },
        new MemoryAccessTokenStore(),
        { timeoutMs: 2_000 },
      ),
    );

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await FakeErnie.start();
  });
  beforeEach(() => {
    fake.reset();
    provider = build();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('streams the reply as deltas, then finish with usage', async () => {
    fake.enqueue({ type: 'reply', chunks: ['你好', '，', '世界'] });
    const got = await collectChunks(
      provider.stream(
        { ...hello, system: 'Be brief.', userId: 'u-1' },
        never(),
      ),
    );
    expect(got.error).toBeUndefined();
    expect(got.chunks.filter((c) => c.type === 'delta')).toHaveLength(3);
    expect(got.text).toBe('你好，世界');
    expect(got.finish).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 },
    });
    const [request] = fake.chatRequests;
    expect(request.path).toBe(
      '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/eb-instant',
    );
    expect(request.query.get('access_token')).toBe(fake.issuedTokens.at(-1));
    expect(request.body).toEqual({
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      system: 'Be brief.',
      user_id: 'u-1',
    });
  });

  it('sends the history within the turn rules', async () => {
    await collectChunks(
      provider.stream(
        {
          messages: [
            { role: 'assistant', content: 'Welcome' },
            { role: 'user', content: 'one' },
            { role: 'user', content: 'two' },
            { role: 'assistant', content: 'ok' },
            { role: 'user', content: 'three' },
          ],
        },
        never(),
      ),
    );
    expect(fake.chatRequests[0].body.messages).toEqual([
      { role: 'user', content: 'one\n\ntwo' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'three' },
    ]);
  });

  it.each([110, 111])(
    'fetches a new token and retries once when ERNIE answers %i',
    async (code) => {
      await collectChunks(provider.stream(hello, never()));
      if (code === 111) fake.revokeTokens();
      else
        fake.enqueue({ type: 'error', code, message: 'Access token invalid' });
      const got = await collectChunks(provider.stream(hello, never()));
      expect(got.error).toBeUndefined();
      expect(got.text).toBe('Hello from the fake model.');
      expect(fake.tokenRequests).toHaveLength(2);
      expect(fake.chatRequests).toHaveLength(3);
    },
  );

  it('fails with upstream_auth when even a fresh token is refused', async () => {
    fake.enqueue({ type: 'error', code: 110 }, { type: 'error', code: 110 });
    const got = await collectChunks(provider.stream(hello, never()));
    expect(got.error).toMatchObject({
      code: 'upstream_auth',
      details: { upstreamCode: 110 },
    });
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('passes a retryable overload error on to LlmService without retrying itself', async () => {
    fake.enqueue({ type: 'error', code: 336100, message: 'server overloaded' });
    const got = await collectChunks(provider.stream(hello, never()));
    expect(got.error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('refuses a message over the input limit without calling ERNIE', async () => {
    const got = await collectChunks(
      build({ maxInputChars: 100 }).stream(
        { messages: [{ role: 'user', content: 'x'.repeat(101) }] },
        never(),
      ),
    );
    expect(got.error).toMatchObject({ code: 'upstream_input_too_long' });
    expect(fake.requests).toHaveLength(0);
  });

  it('drops the oldest turns past the input limit', async () => {
    await collectChunks(
      build({ maxInputChars: 100 }).stream(
        {
          messages: [
            { role: 'user', content: 'a'.repeat(60) },
            { role: 'assistant', content: 'b'.repeat(20) },
            { role: 'user', content: 'c'.repeat(50) },
          ],
        },
        never(),
      ),
    );
    expect(fake.chatRequests[0].body.messages).toEqual([
      { role: 'user', content: 'c'.repeat(50) },
    ]);
  });

  it('reports a cut stream as an error after the partial text', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const got = await collectChunks(provider.stream(hello, never()));
    expect(got.text).toBe('Hello from');
    expect(got.error).toMatchObject({ code: 'upstream_unavailable' });
  });

  it('closes the upstream request when the signal aborts mid-stream', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1 });
    const controller = new AbortController();
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of provider.stream(hello, controller.signal)) {
        if (chunk.type === 'delta') chunks.push(chunk.text);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(['Hello']);
    expect(error).toMatchObject({ code: 'cancelled' });
    await fake.waitFor(() => fake.chatRequests[0].closedEarly, 2_000, 'close');
  });

  it('gives up when ERNIE sends no headers within the connect timeout', async () => {
    fake.enqueue({ type: 'stall', beforeHeaders: true });
    const started = Date.now();
    const got = await collectChunks(
      build({ connectTimeoutMs: 150 }).stream(hello, never()),
    );
    expect(got.error).toMatchObject({
      code: 'upstream_timeout',
      retryable: true,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await fake.waitFor(() => fake.chatRequests[0].closedEarly, 2_000, 'close');
  });

  it('never puts the access token in an error', async () => {
    fake.enqueue({ type: 'http', status: 503 });
    const got = await collectChunks(provider.stream(hello, never()));
    expect(got.error).toMatchObject({ code: 'upstream_unavailable' });
    const token = fake.issuedTokens.at(-1)!;
    expect(JSON.stringify(got.error)).not.toContain(token);
    expect((got.error as Error).message).not.toContain(token);
  });
});
