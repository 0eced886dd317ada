import OpenAI, { NotFoundError, BadRequestError } from 'openai';
import type {
  FunctionTool,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { metricValue } from './support/metrics.js';
import { openAiEnv } from './support/provider-env.js';
import { eventually } from './support/sse-client.js';

const KEY = 'sk-gw-responses-5d4c3b2a1f0e9d8c';
const OTHER_KEY = 'sk-gw-responses-other-0a1b2c3d4e5f';
const FAKE_REPLY = 'Hello from the fake model.';
const WEATHER: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};
const WEATHER_ARGUMENTS = '{"city":"Paris"}';
const TOOL_RESULT = '{"temperature":21}';

interface Variant {
  name: string;
  start(): Promise<{ env: Record<string, string>; fake?: FakeOpenAi }>;
  /** The text the model answers `question` with. */
  reply(question: string): string | RegExp;
  /** Makes the next model call a call of get_weather with WEATHER_ARGUMENTS. */
  arrangeCall(fake?: FakeOpenAi): void;
  /** The answer once the tool returned TOOL_RESULT. */
  answer: string;
  /** Makes the next streamed reply last until the client leaves. */
  arrangeLongReply(fake?: FakeOpenAi): void;
}

const VARIANTS: Variant[] = [
  {
    name: 'the mock provider',
    // Slow enough for a client to leave mid-reply, fast enough for the rest.
    start: () => Promise.resolve({ env: { MOCK_DELAY_MS: '25' } }),
    reply: (question) => new RegExp(`^You said: ${question}\\n`),
    arrangeCall: () => undefined,
    answer: `The tool get_weather returned: ${TOOL_RESULT}`,
    arrangeLongReply: () => undefined,
  },
  {
    name: 'the OpenAI-compatible provider (fake upstream)',
    start: async () => {
      const fake = await FakeOpenAi.start();
      return { env: openAiEnv(fake), fake };
    },
    reply: () => FAKE_REPLY,
    arrangeCall: (fake) =>
      fake!.enqueue({
        type: 'tool_call',
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      }),
    answer: FAKE_REPLY,
    arrangeLongReply: (fake) =>
      fake!.enqueue({ type: 'stall', afterChunks: 1 }),
  },
];

describe.each(VARIANTS)(
  '/v1/responses with $name (e2e, openai SDK)',
  (variant) => {
    let app: AppProcess;
    let fake: FakeOpenAi | undefined;
    let client: OpenAI;
    let other: OpenAI;

    beforeAll(async () => {
      const started = await variant.start();
      fake = started.fake;
      app = await startApp({
        ...started.env,
        API_KEYS: `${KEY},${OTHER_KEY}`,
        LLM_MAX_RETRIES: '0',
      });
      const options = { baseURL: `${app.url}/v1`, maxRetries: 0 };
      client = new OpenAI({ ...options, apiKey: KEY });
      other = new OpenAI({ ...options, apiKey: OTHER_KEY });
    });
    afterEach(() => fake?.reset());
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    it('answers text with a completed response, usage and the settings it used', async () => {
      const response = await client.responses.create({
        model: 'any-model',
        instructions: 'Be brief.',
        input: 'Hello',
        temperature: 0.4,
        max_output_tokens: 200,
      });
      expect(response).toMatchObject({
        object: 'response',
        status: 'completed',
        instructions: 'Be brief.',
        temperature: 0.4,
        max_output_tokens: 200,
        error: null,
      });
      expect(response.id).toMatch(/^resp_/);
      expect(response.output_text).toMatch(variant.reply('Hello'));
      expect(response.usage?.total_tokens).toBeGreaterThan(0);
      if (fake) {
        expect(fake.chatRequests.at(-1)!.body).toMatchObject({
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello' },
          ],
          temperature: 0.4,
          max_tokens: 200,
        });
      }
    });

    it('streams the typed events, numbered, ending with response.completed', async () => {
      const stream = client.responses.stream({
        model: 'any-model',
        input: 'Stream it',
      });
      const events: ResponseStreamEvent[] = [];
      let text = '';
      for await (const event of stream) {
        events.push(event);
        if (event.type === 'response.output_text.delta') text += event.delta;
      }
      const final = await stream.finalResponse();
      const types = [...new Set(events.map((event) => event.type))];
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((event) => event.sequence_number)).toEqual(
        events.map((_event, index) => index),
      );
      expect(text).toMatch(variant.reply('Stream it'));
      expect(final.output_text).toBe(text);
      expect(final.status).toBe('completed');
      expect(final.usage?.output_tokens).toBeGreaterThan(0);
    });

    it('runs a function call round trip: call, function_call_output in the next input, final text', async () => {
      variant.arrangeCall(fake);
      const input: OpenAI.Responses.ResponseInput = [
        { role: 'user', content: 'Paris' },
      ];
      const first = await client.responses.create({
        model: 'any-model',
        input,
        tools: [WEATHER],
        store: false,
      });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({
        type: 'function_call',
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
        status: 'completed',
      });
      expect(first.output_text).toBe('');
      const second = await client.responses.create({
        model: 'any-model',
        input: [
          ...input,
          ...(first.output as OpenAI.Responses.ResponseInputItem[]),
          {
            type: 'function_call_output',
            call_id: call!.call_id,
            output: TOOL_RESULT,
          },
        ],
        tools: [WEATHER],
        store: false,
      });
      expect(second.output_text).toBe(variant.answer);
      if (fake) {
        expect(fake.chatRequests.at(-1)!.body.messages).toEqual([
          { role: 'user', content: 'Paris' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: call!.call_id,
                type: 'function',
                function: { name: 'get_weather', arguments: WEATHER_ARGUMENTS },
              },
            ],
          },
          { role: 'tool', tool_call_id: call!.call_id, content: TOOL_RESULT },
        ]);
      }
    });

    it('streams a function call as function_call_arguments events, and continues it with previous_response_id', async () => {
      variant.arrangeCall(fake);
      const stream = client.responses.stream({
        model: 'any-model',
        input: 'Paris',
        tools: [WEATHER],
        tool_choice: { type: 'function', name: 'get_weather' },
      });
      let argumentsStreamed = '';
      const types = new Set<string>();
      for await (const event of stream) {
        types.add(event.type);
        if (event.type === 'response.function_call_arguments.delta')
          argumentsStreamed += event.delta;
      }
      const first = await stream.finalResponse();
      expect([...types]).toEqual(
        expect.arrayContaining([
          'response.output_item.added',
          'response.function_call_arguments.delta',
          'response.function_call_arguments.done',
          'response.output_item.done',
          'response.completed',
        ]),
      );
      expect(argumentsStreamed).toBe(WEATHER_ARGUMENTS);
      const call = first.output[0];
      expect(call).toMatchObject({
        type: 'function_call',
        arguments: WEATHER_ARGUMENTS,
      });
      const second = client.responses.stream({
        model: 'any-model',
        previous_response_id: first.id,
        input: [
          {
            type: 'function_call_output',
            call_id: (call as OpenAI.Responses.ResponseFunctionToolCall)
              .call_id,
            output: TOOL_RESULT,
          },
        ],
        tools: [WEATHER],
      });
      const answer = await second.finalResponse();
      expect(answer.output_text).toBe(variant.answer);
      expect(answer.previous_response_id).toBe(first.id);
    });

    it('continues a stored conversation with previous_response_id, and keeps it to its key', async () => {
      const first = await client.responses.create({
        model: 'any-model',
        input: 'First question',
      });
      const second = await client.responses.create({
        model: 'any-model',
        previous_response_id: first.id,
        input: 'Second question',
      });
      expect(second.output_text).toMatch(variant.reply('Second question'));
      if (fake) {
        expect(fake.chatRequests.at(-1)!.body.messages).toEqual([
          { role: 'user', content: 'First question' },
          { role: 'assistant', content: first.output_text },
          { role: 'user', content: 'Second question' },
        ]);
      } else {
        // The mock counts what it was sent: the first exchange came along.
        expect(second.output_text).toContain(
          'This is turn 2 of our conversation (3 messages seen)',
        );
      }
      expect(await client.responses.retrieve(second.id)).toMatchObject({
        id: second.id,
        status: 'completed',
        previous_response_id: first.id,
        output: second.output,
      });
      // Another key: the same answer as for an id nobody has.
      for (const id of [first.id, 'resp_0123456789abcdef0123456789abcdef']) {
        await expect(other.responses.retrieve(id)).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(other.responses.delete(id)).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(
          other.responses.create({
            model: 'any-model',
            previous_response_id: id,
            input: 'Hi',
          }),
        ).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
      }
      await client.responses.delete(first.id);
      await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect((await client.responses.retrieve(second.id)).id).toBe(second.id);
    });

    it('does not keep a response with store: false', async () => {
      const response = await client.responses.create({
        model: 'any-model',
        input: 'Forget me',
        store: false,
      });
      await expect(
        client.responses.retrieve(response.id),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('asks for JSON output with text.format, as chat response_format', async () => {
      const schema = {
        type: 'object',
        properties: {
          city: { type: 'string' },
          temperature: { type: 'number' },
        },
        required: ['city', 'temperature'],
        additionalProperties: false,
      };
      fake?.enqueue({
        type: 'reply',
        chunks: ['{"city":"Paris",', '"temperature":21}'],
      });
      const response = await client.responses.create({
        model: 'any-model',
        input: 'Weather in Paris as JSON',
        text: {
          format: {
            type: 'json_schema',
            name: 'weather',
            schema,
            strict: true,
          },
        },
      });
      expect(response.text?.format).toMatchObject({
        type: 'json_schema',
        name: 'weather',
      });
      const value = JSON.parse(response.output_text) as Record<string, unknown>;
      expect(typeof value.city).toBe('string');
      expect(typeof value.temperature).toBe('number');
      if (fake) {
        expect(fake.chatRequests.at(-1)!.body.response_format).toEqual({
          type: 'json_schema',
          json_schema: { name: 'weather', schema, strict: true },
        });
      }
    });

    it('cancels the model call when the client leaves a stream', async () => {
      variant.arrangeLongReply(fake);
      const before = app
        .output()
        .split('The client closed a streamed response').length;
      const stream = client.responses.stream({
        model: 'any-model',
        input: 'Then leave',
      });
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') break;
      }
      stream.abort();
      if (fake) {
        await eventually(
          () => fake!.chatRequests.at(-1)?.closedEarly === true,
          5_000,
          'the upstream request closed',
        );
      }
      await eventually(
        () =>
          app.output().split('The client closed a streamed response').length >
          before,
        5_000,
        'the run cancelled',
      );
      await eventually(
        async () => (await metricValue(app.url, 'chatgw_open_streams')) === 0,
        5_000,
        'the stream slot released',
      );
    });

    it('refuses, by name, what it cannot honour: built-in tools, unsupported items and parameters', async () => {
      const refusal = (body: Record<string, unknown>) =>
        client.responses
          .create({
            model: 'any-model',
            input: 'Hi',
            ...body,
          } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
          .then(() => undefined)
          .catch((error: unknown) => error);
      for (const [body, param] of [
        [{ tools: [{ type: 'web_search' }] }, 'tools.0.type'],
        [
          { tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] },
          'tools.0.type',
        ],
        [
          {
            input: [
              {
                role: 'user',
                content: [
                  { type: 'input_image', image_url: 'https://x/y.png' },
                ],
              },
            ],
          },
          'input.0.content',
        ],
        [
          { input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] },
          'input.0.type',
        ],
        [{ background: true }, 'background'],
        [{ top_logprobs: 2 }, 'top_logprobs'],
        [{ include: ['message.output_text.logprobs'] }, 'include'],
        [
          {
            input: [
              {
                type: 'function_call_output',
                call_id: 'call_nothing',
                output: 'x',
              },
            ],
          },
          'input.0.call_id',
        ],
      ] as const) {
        const error = await refusal(body);
        expect(error, JSON.stringify(body)).toBeInstanceOf(BadRequestError);
        expect((error as BadRequestError).param).toBe(param);
      }
      const builtIn = await refusal({ tools: [{ type: 'web_search' }] });
      expect((builtIn as BadRequestError).message).toContain('web_search');
    });
  },
);
