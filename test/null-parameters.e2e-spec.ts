import { getMetadataStorage, IS_OPTIONAL } from 'class-validator';
import { SendMessageDto } from '../src/chat/dto/send-message.dto.js';
import { ChatCompletionRequestDto } from '../src/openai-api/dto/chat-completion-request.dto.js';
import { OPENAI_PARAMETERS } from '../src/llm/providers/parameter-fate.js';
import { FakeErnie } from './fakes/fake-ernie.js';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, subscribe } from './support/chat-helpers.js';
import { ernieEnv, openAiEnv } from './support/provider-env.js';
import { postJson, type SseClient } from './support/sse-client.js';

/** The fields a DTO marks `@IsOptional()`: the list cannot drift from the API. */
function optionalFieldsOf(dto: abstract new () => unknown): string[] {
  const fields = getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .filter((rule) => rule.name === IS_OPTIONAL)
    .map((rule) => rule.propertyName);
  return [...new Set(fields)].sort();
}

const CHAT_FIELDS = optionalFieldsOf(ChatCompletionRequestDto);
const SEND_FIELDS = optionalFieldsOf(SendMessageDto);
const QUESTION = { role: 'user', content: 'Define "gateway".' };

it('covers every parameter of the parameter-fates table, on both APIs', () => {
  for (const parameter of OPENAI_PARAMETERS) {
    expect(CHAT_FIELDS).toContain(parameter);
    expect(SEND_FIELDS).toContain(parameter);
  }
  expect(CHAT_FIELDS).toEqual(
    expect.arrayContaining(['stream', 'stream_options']),
  );
  expect(SEND_FIELDS).toEqual(
    expect.arrayContaining(['conversationId', 'model']),
  );
});

/**
 * `null` in an optional field is "not given", as OpenAI reads it: accepted
 * whatever the provider refuses of that parameter (ERNIE refuses the most),
 * and never sent upstream, neither as `null` nor under a mapped name.
 */
describe.each([
  {
    provider: 'ernie',
    start: async () => {
      const fake = await FakeErnie.start();
      return { fake, env: ernieEnv(fake) };
    },
  },
  {
    provider: 'openai',
    start: async () => {
      const fake = await FakeOpenAi.start();
      return { fake, env: openAiEnv(fake) };
    },
  },
])('null means "not given" on the $provider provider (e2e)', ({ start }) => {
  let fake: FakeErnie | FakeOpenAi;
  let app: AppProcess;
  let events: SseClient;
  let plain: Record<string, unknown>;

  beforeAll(async () => {
    const started = await start();
    fake = started.fake;
    app = await startApp({ ...started.env, LLM_MAX_RETRIES: '0' });
    events = await subscribe(app);
    // What the upstream receives when nothing optional is sent.
    await postJson(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages: [QUESTION],
    });
    plain = fake.chatRequests[0].body as Record<string, unknown>;
    fake.reset();
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await events?.close();
    await app?.stop();
    await fake?.close();
  });

  it.each(CHAT_FIELDS)('/v1/chat/completions takes %s: null', async (field) => {
    const answer = await postJson<any>(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages: [QUESTION],
      [field]: null,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.object).toBe('chat.completion');
    expect(fake.chatRequests).toHaveLength(1);
    expect(fake.chatRequests[0].body).toEqual(plain);
  });

  it.each(SEND_FIELDS)('/server/send takes %s: null', async (field) => {
    const sent = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      {
        messages: [QUESTION],
        [field]: null,
      },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const end = await replyOf(events, sent.body.messageId);
    expect(end.event).toBe('done');
    expect(fake.chatRequests).toHaveLength(1);
    expect(fake.chatRequests[0].body).toEqual(plain);
  });
});
