import { createOpenAI } from '@ai-sdk/openai';
import {
  generateObject,
  generateText,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
} from 'ai';
import { z } from 'zod';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { openAiEnv } from './support/provider-env.js';

const KEY = 'sk-gw-ai-sdk-7e6d5c4b3a29';
const FAKE_REPLY = 'Hello from the fake model.';

interface Variant {
  name: string;
  start(): Promise<{ env: Record<string, string>; fake?: FakeOpenAi }>;
  /** Makes the next model call a call of get_weather for Paris. */
  arrangeCall(fake?: FakeOpenAi): void;
  /** The final text once the tool returned `result`. */
  answer(result: string): string;
}

const VARIANTS: Variant[] = [
  {
    name: 'the mock provider',
    start: () => Promise.resolve({ env: {} }),
    arrangeCall: () => undefined,
    answer: (result) => `The tool get_weather returned: ${result}`,
  },
  {
    name: 'the OpenAI-compatible provider (fake upstream)',
    start: async () => {
      const fake = await FakeOpenAi.start();
      return { env: openAiEnv(fake), fake };
    },
    arrangeCall: (fake) =>
      fake!.enqueue({
        type: 'tool_call',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      }),
    answer: () => FAKE_REPLY,
  },
];

/** The weather tool, run by the SDK itself; it records each input it ran with. */
function weatherTool(calls: unknown[]) {
  return tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: ({ city }) => {
      calls.push({ city });
      return Promise.resolve({ city, temperature: 21 });
    },
  });
}

/**
 * The Vercel AI SDK's default OpenAI model, `openai('…')`, speaks the
 * Responses API: these run it unchanged against the gateway.
 */
describe.each(VARIANTS)(
  'Vercel AI SDK openai(…) model with $name (e2e)',
  (variant) => {
    let app: AppProcess;
    let fake: FakeOpenAi | undefined;
    let model: LanguageModel;

    beforeAll(async () => {
      const started = await variant.start();
      fake = started.fake;
      app = await startApp({
        ...started.env,
        API_KEYS: KEY,
        LLM_MAX_RETRIES: '0',
      });
      model = createOpenAI({ baseURL: `${app.url}/v1`, apiKey: KEY })(
        'any-model',
      );
    });
    afterEach(() => fake?.reset());
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    it('generateText runs the tool and answers with its result (stopWhen)', async () => {
      variant.arrangeCall(fake);
      const calls: unknown[] = [];
      const result = await generateText({
        model,
        prompt: 'Paris',
        tools: { get_weather: weatherTool(calls) },
        stopWhen: stepCountIs(3),
      });
      expect(calls).toEqual([{ city: 'Paris' }]);
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0].finishReason).toBe('tool-calls');
      expect(result.text).toBe(
        variant.answer('{"city":"Paris","temperature":21}'),
      );
      expect(result.finishReason).toBe('stop');
      expect(result.totalUsage.totalTokens).toBeGreaterThan(0);
    });

    it('streamText streams the tool call, then the answer (stopWhen)', async () => {
      variant.arrangeCall(fake);
      const calls: unknown[] = [];
      const result = streamText({
        model,
        prompt: 'Paris',
        tools: { get_weather: weatherTool(calls) },
        stopWhen: stepCountIs(3),
      });
      const parts: string[] = [];
      let text = '';
      for await (const part of result.fullStream) {
        parts.push(part.type);
        if (part.type === 'text-delta') text += part.text;
        if (part.type === 'error') throw part.error;
      }
      expect(calls).toEqual([{ city: 'Paris' }]);
      expect(parts).toEqual(
        expect.arrayContaining([
          'tool-input-start',
          'tool-call',
          'tool-result',
          'text-delta',
          'finish',
        ]),
      );
      // The tool call opens no empty text part.
      expect(parts.indexOf('text-start')).toBeGreaterThan(
        parts.indexOf('tool-result'),
      );
      expect(text).toBe(variant.answer('{"city":"Paris","temperature":21}'));
      expect(await result.finishReason).toBe('stop');
    });

    it('generateObject answers an object of the zod schema', async () => {
      fake?.enqueue({
        type: 'reply',
        chunks: [
          '{"city":"Paris","temperature":21,',
          '"conditions":["sunny"]}',
        ],
      });
      const schema = z.object({
        city: z.string(),
        temperature: z.number(),
        conditions: z.array(z.enum(['sunny', 'cloudy', 'rainy'])),
      });
      const { object } = await generateObject({
        model,
        schema,
        schemaName: 'weather',
        prompt: 'The weather in Paris',
      });
      expect(schema.safeParse(object).success).toBe(true);
      if (fake) {
        expect(fake.chatRequests.at(-1)!.body.response_format).toMatchObject({
          type: 'json_schema',
          json_schema: { name: 'weather', strict: true },
        });
      }
    });
  },
);
