import { FAKE_QIANFAN_API_KEY, FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { qianfanEnv } from './support/provider-env.js';
import { postJson } from './support/sse-client.js';

const MAX_INPUT_CHARS = 400;
/** 50 characters: seven of them and a tool call fit in the limit, not the whole conversation. */
const text = (label: string) => label.padEnd(50, '.');

describe('history trimming on the Qianfan provider (e2e, fake upstream)', () => {
  let fake: FakeOpenAi;
  let app: AppProcess;

  beforeAll(async () => {
    fake = await FakeOpenAi.start({ apiKey: FAKE_QIANFAN_API_KEY });
    app = await startApp({
      ...qianfanEnv(fake),
      QIANFAN_MAX_INPUT_CHARS: String(MAX_INPUT_CHARS),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('drops the oldest exchanges of a long conversation, keeping tool calls with their results', async () => {
    const call = {
      id: 'call_1',
      type: 'function',
      function: { name: 'lookup', arguments: '{"q":"x"}' },
    };
    const messages = [
      ...Array.from({ length: 10 }, (_, i) => ({
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: text(`old ${i}`),
      })),
      { role: 'user', content: text('asks for a tool') },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: text('tool result') },
      { role: 'assistant', content: text('answer with the result') },
      { role: 'user', content: text('newest question') },
    ];
    const answer = await postJson(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages,
      tools: [{ type: 'function', function: { name: 'lookup' } }],
    });
    expect(answer.status).toBe(200);
    const sent = fake.chatRequests[0].body.messages as {
      role: string;
      content: string | null;
    }[];
    const chars = sent.reduce(
      (sum, m) => sum + (m.content?.length ?? 0),
      '{"q":"x"}'.length + 'lookup'.length,
    );
    expect(chars).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    // The newest exchanges that fit, whole: from a user turn on, the call with its result.
    expect(sent).toEqual([
      { role: 'user', content: text('old 8') },
      { role: 'assistant', content: text('old 9') },
      { role: 'user', content: text('asks for a tool') },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: text('tool result') },
      { role: 'assistant', content: text('answer with the result') },
      { role: 'user', content: text('newest question') },
    ]);
  });

  it('refuses a last message that alone exceeds the limit, before calling the upstream', async () => {
    fake.reset();
    const answer = await postJson<any>(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages: [{ role: 'user', content: 'x'.repeat(MAX_INPUT_CHARS + 1) }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('context_length_exceeded');
    expect(fake.chatRequests).toHaveLength(0);
  });
});
