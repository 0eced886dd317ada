import OpenAI, {
  APIError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
} from 'openai';
import { MockProvider } from '../src/llm/providers/mock/mock.provider.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { metricValue } from './support/metrics.js';
import { eventually, postJson } from './support/sse-client.js';

const MODEL = 'mock-echo-1';
const replyTo = (...contents: string[]) =>
  MockProvider.replyTo({
    messages: contents.map((content) => ({ role: 'user', content })),
  });

describe('OpenAI-compatible API with the official SDK (e2e, mock provider)', () => {
  let app: AppProcess;
  let client: OpenAI;

  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '20' });
    // SDK retries are off: each test sees the first answer.
    client = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: 'unused-while-open',
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers a non-streaming completion with the reply and its usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      temperature: 0.3,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(MODEL);
    expect(completion.id).toMatch(/^chatcmpl-/);
    const [choice] = completion.choices;
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe(
      MockProvider.replyTo({
        messages: [{ role: 'user', content: 'Hello there' }],
        system: 'Be brief.',
      }),
    );
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage!.total_tokens).toBe(
      completion.usage!.prompt_tokens + completion.usage!.completion_tokens,
    );
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chunks: role first, the text in deltas, finish_reason, usage, [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'First' },
        { role: 'assistant', content: 'Sure.' },
        { role: 'user', content: 'Stream this' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks
      .flatMap((c) => c.choices.map((choice) => choice.delta.content ?? ''))
      .join('');
    expect(text).toBe(
      MockProvider.replyTo({
        messages: [
          { role: 'user', content: 'First' },
          { role: 'assistant', content: 'Sure.' },
          { role: 'user', content: 'Stream this' },
        ],
      }),
    );
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks.length).toBeGreaterThan(3);
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishes).toHaveLength(1);
    expect(finishes[0].choices[0].finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('ends the stream with data: [DONE], and sends no usage chunk unless asked', async () => {
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: 'user', content: 'raw' }],
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body).not.toContain('"usage"');
    expect(body).not.toMatch(/^event:/m);
  });

  it('ignores fields it does not know, as OpenAI clients send many', async () => {
    const sent = await postJson<{
      choices: { message: { content: string } }[];
    }>(`${app.url}/v1/chat/completions`, {
      model: MODEL,
      messages: [{ role: 'user', content: 'extra' }],
      presence_penalty: 0.5,
      seed: 7,
      metadata: { a: 'b' },
      parallel_tool_calls: false,
    });
    expect(sent.status).toBe(200);
    expect(sent.body.choices[0].message.content).toBe(replyTo('extra'));
  });

  it('surfaces validation errors as BadRequestError with param', async () => {
    const error = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'tool', content: 'x', tool_call_id: 'c1' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const bad = error as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('invalid_request_error');
    // A tool result must answer a call of the assistant turn before it.
    expect(bad.param).toBe('messages.0.tool_call_id');
    expect(bad.code).toBe('validation_failed');
    expect(bad.requestID).toBeTruthy();
  });

  it('refuses what it cannot honour (logprobs, n > 1) instead of ignoring it', async () => {
    const logprobs = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        logprobs: true,
      })
      .catch((e: unknown) => e as BadRequestError);
    expect(logprobs).toBeInstanceOf(BadRequestError);
    expect((logprobs as BadRequestError).param).toBe('logprobs');
    expect((logprobs as BadRequestError).message).toContain('mock provider');
    const many = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        n: 2,
      })
      .catch((e: unknown) => e as BadRequestError);
    expect((many as BadRequestError).param).toBe('n');
  });

  it('answers invalid JSON on /v1 in the OpenAI error shape', async () => {
    const sent = await postJson(`${app.url}/v1/chat/completions`, '{"model":');
    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({
      error: {
        message: 'The body is not valid JSON.',
        type: 'invalid_request_error',
        code: 'invalid_json',
        param: 'body',
      },
    });
  });

  it('maps an upstream failure to its status when no text was sent yet… or after, as an error chunk', async () => {
    const whole = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'user', content: '/mock-error upstream_rate_limited' },
        ],
      })
      .catch((e: unknown) => e);
    // The mock fails after its first delta; the non-streaming answer has not started.
    expect(whole).toBeInstanceOf(InternalServerError);
    expect((whole as APIError).status).toBe(503);
    expect((whole as APIError).code).toBe('upstream_rate_limited');
    expect((whole as APIError).type).toBe('server_error');

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '/mock-error upstream_timeout' }],
      stream: true,
    });
    const received: string[] = [];
    const streamed = await (async () => {
      for await (const chunk of stream) {
        received.push(chunk.choices[0]?.delta.content ?? '');
      }
    })().catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(APIError);
    expect((streamed as APIError).code).toBe('upstream_timeout');
    expect((streamed as APIError).message).toContain('upstream_timeout');
    // The mock fails after its first delta ("You"), which the client did receive.
    expect(received.join('')).toBe('You');

    const refused = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'user', content: '/mock-error upstream_input_too_long' },
        ],
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as APIError).code).toBe('context_length_exceeded');
  });

  it('lists and retrieves the served model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((m) => m.id)).toEqual([MODEL]);
    expect(models[0].owned_by).toBe('mock');
    expect((await client.models.retrieve(MODEL)).id).toBe(MODEL);
    await expect(client.models.retrieve('gpt-5')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('cancels the model call when the client disconnects mid-stream', async () => {
    const labels = { provider: 'mock', finish_reason: 'cancelled' };
    const before = await metricValue(
      app.url,
      'chatgw_generations_finished_total',
      labels,
    );
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'a long answer please '.repeat(20) }],
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    await eventually(
      async () =>
        (await metricValue(
          app.url,
          'chatgw_generations_finished_total',
          labels,
        )) ===
        before + 1,
      5_000,
      'the cancelled generation in /metrics',
    );
    await eventually(
      async () => (await metricValue(app.url, 'chatgw_open_streams')) === 0,
      5_000,
      'the stream slot released',
    );
    expect(app.output()).toContain(
      'The client closed a streamed completion; the model call was cancelled.',
    );
  });
});
