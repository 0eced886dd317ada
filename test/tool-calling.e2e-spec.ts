import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { FakeErnie } from './fakes/fake-ernie.js';
import { FAKE_QIANFAN_API_KEY, FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, subscribe } from './support/chat-helpers.js';
import { ernieEnv, openAiEnv, qianfanEnv } from './support/provider-env.js';
import { postJson } from './support/sse-client.js';

const FAKE_REPLY = 'Hello from the fake model.';
const WEATHER_ARGUMENTS = '{"city":"Paris"}';
const TOOL_RESULT = '{"temperature":21}';
const WEATHER_FUNCTION = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};
const WEATHER_TOOL: ChatCompletionTool = {
  type: 'function',
  function: WEATHER_FUNCTION,
};
const QUESTION: ChatCompletionMessageParam = { role: 'user', content: 'Paris' };

interface Variant {
  provider: 'mock' | 'openai' | 'qianfan' | 'ernie';
  start(): Promise<{
    env: Record<string, string>;
    fake?: FakeOpenAi | FakeErnie;
  }>;
  /** The id the gateway gives the call (upstream's, or made by the gateway). */
  callId: RegExp;
  /** The final answer after the tool result. */
  answer: string;
  /** The exact bodies the upstream received: the call, then the final answer. */
  bodies?: (callId: string) => [unknown, unknown];
}

const openAiBodies =
  (model: string) =>
  (callId: string): [unknown, unknown] => {
    const common = {
      model,
      stream: true,
      stream_options: { include_usage: true },
      tools: [WEATHER_TOOL],
    };
    return [
      { ...common, messages: [QUESTION] },
      {
        ...common,
        messages: [
          QUESTION,
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: callId,
                type: 'function',
                function: { name: 'get_weather', arguments: WEATHER_ARGUMENTS },
              },
            ],
          },
          { role: 'tool', tool_call_id: callId, content: TOOL_RESULT },
        ],
      },
    ];
  };

const VARIANTS: Variant[] = [
  {
    provider: 'mock',
    start: () => Promise.resolve({ env: { MOCK_DELAY_MS: '0' } }),
    callId: /^call_mock_1$/,
    answer: `The tool get_weather returned: ${TOOL_RESULT}`,
  },
  {
    provider: 'openai',
    start: async () => {
      const fake = await FakeOpenAi.start();
      return { env: openAiEnv(fake), fake };
    },
    callId: /^call_fake_1$/,
    answer: FAKE_REPLY,
    bodies: openAiBodies('gpt-4o-mini'),
  },
  {
    provider: 'qianfan',
    start: async () => {
      const fake = await FakeOpenAi.start({ apiKey: FAKE_QIANFAN_API_KEY });
      return { env: qianfanEnv(fake), fake };
    },
    callId: /^call_fake_1$/,
    answer: FAKE_REPLY,
    bodies: openAiBodies('ernie-speed-8k'),
  },
  {
    provider: 'ernie',
    start: async () => {
      const fake = await FakeErnie.start();
      return { env: ernieEnv(fake), fake };
    },
    callId: /^call_as-[0-9a-f]+$/,
    answer: FAKE_REPLY,
    // With functions ERNIE v1 is called without streaming; results are `function` turns.
    bodies: () => [
      { messages: [QUESTION], stream: false, functions: [WEATHER_FUNCTION] },
      {
        messages: [
          QUESTION,
          {
            role: 'assistant',
            content: '',
            function_call: {
              name: 'get_weather',
              arguments: WEATHER_ARGUMENTS,
            },
          },
          { role: 'function', name: 'get_weather', content: TOOL_RESULT },
        ],
        stream: false,
        functions: [WEATHER_FUNCTION],
      },
    ],
  },
];

/** The tool calls of a streamed reply, checking each fragment is framed as OpenAI frames it. */
function toolCallsOf(
  chunks: ChatCompletionChunk[],
): ChatCompletionMessageFunctionToolCall[] {
  const calls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const chunk of chunks) {
    for (const fragment of chunk.choices[0]?.delta.tool_calls ?? []) {
      if (fragment.id !== undefined) {
        expect(fragment).toEqual({
          index: calls.length,
          id: fragment.id,
          type: 'function',
          function: { name: expect.any(String), arguments: expect.any(String) },
        });
        calls.push({
          id: fragment.id,
          type: 'function',
          function: { name: fragment.function!.name!, arguments: '' },
        });
      } else {
        expect(Object.keys(fragment).sort()).toEqual(['function', 'index']);
        expect(Object.keys(fragment.function!)).toEqual(['arguments']);
      }
      calls[fragment.index].function.arguments += fragment.function!.arguments;
    }
  }
  return calls;
}

describe.each(VARIANTS)(
  'tool calling round trip through the $provider provider (e2e, official SDK)',
  (variant) => {
    let app: AppProcess;
    let fake: FakeOpenAi | FakeErnie | undefined;
    let client: OpenAI;

    beforeAll(async () => {
      const started = await variant.start();
      fake = started.fake;
      app = await startApp({ ...started.env, LLM_MAX_RETRIES: '0' });
      client = new OpenAI({
        baseURL: `${app.url}/v1`,
        apiKey: 'unused-while-open',
        maxRetries: 0,
      });
    });
    afterEach(() => fake?.reset());
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    const expectUpstreamBodies = (callId: string) => {
      if (!variant.bodies) return;
      expect(fake!.chatRequests.map((r) => r.body)).toEqual(
        variant.bodies(callId),
      );
    };
    const followUp = (
      call: ChatCompletionMessageFunctionToolCall,
    ): ChatCompletionMessageParam[] => [
      QUESTION,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT },
    ];
    const enqueueCall = () =>
      fake?.enqueue({
        type: 'tool_call',
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      });

    it('non-streamed: message.tool_calls with finish_reason tool_calls, then the answer to the result', async () => {
      enqueueCall();
      const first = await client.chat.completions.create({
        model: 'any',
        messages: [QUESTION],
        tools: [WEATHER_TOOL],
      });
      const [choice] = first.choices;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      const call = choice.message
        .tool_calls![0] as ChatCompletionMessageFunctionToolCall;
      expect(choice.message.tool_calls).toHaveLength(1);
      expect(call.id).toMatch(variant.callId);
      expect(call.type).toBe('function');
      expect(call.function).toEqual({
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      });

      const second = await client.chat.completions.create({
        model: 'any',
        messages: followUp(call),
        tools: [WEATHER_TOOL],
      });
      expect(second.choices[0].finish_reason).toBe('stop');
      expect(second.choices[0].message.content).toBe(variant.answer);
      expectUpstreamBodies(call.id);
    });

    it('streamed: tool_calls deltas framed as OpenAI does, finish_reason tool_calls, then the streamed answer', async () => {
      enqueueCall();
      const stream = await client.chat.completions.create({
        model: 'any',
        messages: [QUESTION],
        tools: [WEATHER_TOOL],
        stream: true,
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      // As OpenAI: a reply that opens with a tool call has no text part.
      expect(chunks[0].choices[0].delta).toEqual({
        role: 'assistant',
        content: null,
      });
      const calls = toolCallsOf(chunks);
      expect(calls).toHaveLength(1);
      expect(calls[0].id).toMatch(variant.callId);
      expect(calls[0].function).toEqual({
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      });
      const finishes = chunks.flatMap((c) =>
        c.choices[0]?.finish_reason ? [c.choices[0].finish_reason] : [],
      );
      expect(finishes).toEqual(['tool_calls']);

      const answer = await client.chat.completions.create({
        model: 'any',
        messages: followUp(calls[0]),
        tools: [WEATHER_TOOL],
        stream: true,
      });
      let text = '';
      for await (const chunk of answer)
        text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(variant.answer);
      expectUpstreamBodies(calls[0].id);
    });

    it('legacy functions: answers with function_call, and takes a function turn back', async () => {
      enqueueCall();
      const first = await client.chat.completions.create({
        model: 'any',
        messages: [QUESTION],
        functions: [WEATHER_FUNCTION],
      });
      const [choice] = first.choices;
      expect(choice.finish_reason).toBe('function_call');
      expect(choice.message.function_call).toEqual({
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      });
      expect(choice.message.tool_calls).toBeUndefined();
      const second = await client.chat.completions.create({
        model: 'any',
        messages: [
          QUESTION,
          {
            role: 'assistant',
            content: null,
            function_call: choice.message.function_call!,
          },
          { role: 'function', name: 'get_weather', content: TOOL_RESULT },
        ],
        functions: [WEATHER_FUNCTION],
      });
      expect(second.choices[0].message.content).toBe(variant.answer);
    });

    it('on /server/send: tool_call events reach subscribers and the calls are kept in done', async () => {
      enqueueCall();
      const subscriber = await subscribe(app);
      try {
        const sent = await postJson<{ messageId: string }>(
          `${app.url}/server/send`,
          { messages: [QUESTION], tools: [WEATHER_TOOL] },
        );
        expect(sent.status).toBe(202);
        const end = await replyOf(subscriber, sent.body.messageId);
        expect(end.event).toBe('done');
        expect(end.finishReason).toBe('tool_calls');
        const fragments = subscriber
          .json<{
            messageId: string;
            index: number;
            id?: string;
            name?: string;
            argumentsDelta: string;
          }>('tool_call')
          .filter((f) => f.messageId === sent.body.messageId);
        expect(fragments[0]).toMatchObject({ index: 0, name: 'get_weather' });
        expect(fragments.map((f) => f.argumentsDelta).join('')).toBe(
          WEATHER_ARGUMENTS,
        );
        const done = end as unknown as { toolCalls: unknown[] };
        expect(done.toolCalls).toEqual([
          {
            id: fragments[0].id,
            name: 'get_weather',
            arguments: WEATHER_ARGUMENTS,
          },
        ]);
      } finally {
        await subscriber.close();
      }
    });
  },
);
