import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, subscribe } from './support/chat-helpers.js';
import { openAiEnv } from './support/provider-env.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { postJson, type SseClient } from './support/sse-client.js';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
};
const ARGUMENTS = '{"city":"Paris"}';
const RESULT = '{"temperature":21}';
const FAKE_REPLY = 'Hello from the fake model.';

interface StoredTurn {
  role: string;
  content: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
  toolCallId?: string;
}

/**
 * A tool round trip in a stored conversation: the reply's tool call is kept
 * in the history, the client posts only the tool's result, and the model
 * gets the whole exchange back, as OpenAI's API carries it; on the
 * in-memory store and on Redis alike.
 */
describe.each([
  { bus: 'memory', redis: false },
  { bus: 'redis', redis: true },
])(
  'a stored conversation keeps its tool turns ($bus) (e2e)',
  ({ redis: withRedis }) => {
    let upstream: FakeOpenAi;
    let redis: RedisServer | undefined;
    let app: AppProcess;
    let events: SseClient;
    const conversationId = `c_tools_${withRedis ? 'redis' : 'memory'}`;

    beforeAll(async () => {
      upstream = await FakeOpenAi.start();
      redis = withRedis ? await startRedisServer() : undefined;
      app = await startApp({
        ...openAiEnv(upstream),
        ...(redis ? redisEnv(redis, 'tool-turns') : {}),
        LLM_MAX_RETRIES: '0',
      });
      events = await subscribe(app, conversationId);
    });
    afterAll(async () => {
      await events?.close();
      await app?.stop();
      await upstream?.close();
      await redis?.dispose();
    });

    const send = async (messages: unknown[]) => {
      const sent = await postJson<{ messageId: string }>(
        `${app.url}/server/send`,
        {
          conversationId,
          messages,
          tools: [WEATHER_TOOL],
        },
      );
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const end = await replyOf(events, sent.body.messageId);
      expect(end.event).toBe('done');
      return end as typeof end & { toolCalls?: StoredTurn['toolCalls'] };
    };

    it('stores the call and its result, and replays both to the model', async () => {
      upstream.enqueue({
        type: 'tool_call',
        name: 'get_weather',
        arguments: ARGUMENTS,
      });
      const called = await send([
        { role: 'user', content: 'Weather in Paris?' },
      ]);
      expect(called.finishReason).toBe('tool_calls');
      const [call] = called.toolCalls!;
      expect(call).toMatchObject({ name: 'get_weather', arguments: ARGUMENTS });

      // Only the new turn: the server has the rest.
      const answered = await send([
        { role: 'tool', tool_call_id: call.id, content: RESULT },
      ]);
      expect(answered.text).toBe(FAKE_REPLY);

      const replayed = (
        upstream.chatRequests[1].body as { messages: unknown[] }
      ).messages;
      expect(replayed).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [
            {
              id: call.id,
              type: 'function',
              function: { name: 'get_weather', arguments: ARGUMENTS },
            },
          ],
        }),
        expect.objectContaining({
          role: 'tool',
          tool_call_id: call.id,
          content: RESULT,
        }),
      ]);

      const stored = await fetch(
        `${app.url}/server/conversations/${conversationId}`,
      );
      const { turns } = (await stored.json()) as { turns: StoredTurn[] };
      expect(
        turns.map(({ role, content, toolCalls, toolCallId }) => ({
          role,
          content,
          toolCalls,
          toolCallId,
        })),
      ).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: RESULT, toolCallId: call.id },
        { role: 'assistant', content: FAKE_REPLY },
      ]);
    });

    it('refuses a tool result that answers no call, naming the field', async () => {
      const refused = await postJson<{ code: string; details: unknown }>(
        `${app.url}/server/send`,
        {
          conversationId,
          messages: [
            { role: 'tool', tool_call_id: 'call_nobody_made', content: RESULT },
          ],
        },
      );
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('messages.0.tool_call_id');
    });
  },
);
