import { FakeErnie } from './fakes/fake-ernie.js';
import { FAKE_QIANFAN_API_KEY, FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { ernieEnv, openAiEnv, qianfanEnv } from './support/provider-env.js';
import { replyOf, subscribe } from './support/chat-helpers.js';
import { postJson } from './support/sse-client.js';

type Provider = 'ernie' | 'qianfan' | 'openai';
/** What the upstream body must contain, or that the gateway answers 400 naming the parameter. */
type Outcome = Record<string, unknown> | 'refused';

const TOOL = {
  type: 'function',
  function: {
    name: 'lookup',
    description: 'Looks a word up',
    parameters: { type: 'object', properties: { word: { type: 'string' } } },
  },
};
const FUNCTION = TOOL.function;
const NAMED_TOOL = { type: 'function', function: { name: 'lookup' } };
const ERNIE_NAMED = { tool_choice: NAMED_TOOL };

interface Row {
  parameter: string;
  /** The request fields beyond model and messages. */
  sent: Record<string, unknown>;
  expected: Record<Provider, Outcome>;
}

const same = (sent: Record<string, unknown>): Record<Provider, Outcome> => ({
  ernie: sent,
  qianfan: sent,
  openai: sent,
});
const openAiOnly = (
  sent: Record<string, unknown>,
): Record<Provider, Outcome> => ({
  ernie: 'refused',
  qianfan: 'refused',
  openai: sent,
});
const nowhere: Record<Provider, Outcome> = {
  ernie: 'refused',
  qianfan: 'refused',
  openai: 'refused',
};

/**
 * Every parameter of issue #16, and what each provider's upstream must
 * receive for it: forwarded as sent, mapped to its own field, or refused
 * with a 400 naming the parameter and the provider. Never accepted and
 * dropped.
 */
// prettier-ignore
const ROWS: Row[] = [
  { parameter: 'temperature', sent: { temperature: 1.5 }, expected: { ...same({ temperature: 1.5 }), ernie: { temperature: 1 } } },
  { parameter: 'top_p', sent: { top_p: 0.5 }, expected: same({ top_p: 0.5 }) },
  { parameter: 'max_tokens', sent: { max_tokens: 32 }, expected: { ernie: { max_output_tokens: 32 }, qianfan: { max_completion_tokens: 32 }, openai: { max_tokens: 32 } } },
  { parameter: 'max_completion_tokens', sent: { max_completion_tokens: 32 }, expected: { ...same({ max_completion_tokens: 32 }), ernie: { max_output_tokens: 32 } } },
  { parameter: 'n', sent: { n: 2 }, expected: nowhere },
  { parameter: 'stop', sent: { stop: ['END', '##'] }, expected: same({ stop: ['END', '##'] }) },
  { parameter: 'seed', sent: { seed: 7 }, expected: { ...same({ seed: 7 }), ernie: 'refused' } },
  { parameter: 'presence_penalty', sent: { presence_penalty: 0.5 }, expected: { ...same({ presence_penalty: 0.5 }), ernie: 'refused' } },
  { parameter: 'frequency_penalty', sent: { frequency_penalty: 1 }, expected: { ...same({ frequency_penalty: 1 }), ernie: { penalty_score: 1.5 } } },
  { parameter: 'frequency_penalty', sent: { frequency_penalty: -1 }, expected: { ...same({ frequency_penalty: -1 }), ernie: 'refused' } },
  { parameter: 'logit_bias', sent: { logit_bias: { '50256': -100 } }, expected: openAiOnly({ logit_bias: { '50256': -100 } }) },
  { parameter: 'logprobs', sent: { logprobs: true }, expected: nowhere },
  { parameter: 'top_logprobs', sent: { top_logprobs: 2 }, expected: nowhere },
  { parameter: 'response_format', sent: { response_format: { type: 'json_object' } }, expected: { ...same({ response_format: { type: 'json_object' } }), ernie: { response_format: 'json_object' } } },
  { parameter: 'response_format', sent: { response_format: { type: 'json_schema', json_schema: { name: 'word', schema: { type: 'object' } } } }, expected: { ...same({ response_format: { type: 'json_schema', json_schema: { name: 'word', schema: { type: 'object' } } } }), ernie: 'refused' } },
  { parameter: 'tools', sent: { tools: [TOOL] }, expected: { ...same({ tools: [TOOL] }), ernie: { functions: [FUNCTION], stream: false } } },
  // ERNIE streams only without functions: none sends it none.
  { parameter: 'tool_choice', sent: { tools: [TOOL], tool_choice: 'none' }, expected: { ...same({ tools: [TOOL], tool_choice: 'none' }), ernie: { stream: true } } },
  { parameter: 'tool_choice', sent: { tools: [TOOL], tool_choice: NAMED_TOOL }, expected: { ...same({ tools: [TOOL], tool_choice: NAMED_TOOL }), ernie: { functions: [FUNCTION], ...ERNIE_NAMED } } },
  { parameter: 'tool_choice', sent: { tools: [TOOL], tool_choice: 'required' }, expected: { ...same({ tools: [TOOL], tool_choice: 'required' }), ernie: 'refused' } },
  { parameter: 'parallel_tool_calls', sent: { tools: [TOOL], parallel_tool_calls: false }, expected: { ...same({ tools: [TOOL], parallel_tool_calls: false }), ernie: { functions: [FUNCTION] } } },
  { parameter: 'functions', sent: { functions: [FUNCTION] }, expected: { ...same({ tools: [TOOL], parallel_tool_calls: false }), ernie: { functions: [FUNCTION] } } },
  { parameter: 'function_call', sent: { functions: [FUNCTION], function_call: { name: 'lookup' } }, expected: { ...same({ tools: [TOOL], tool_choice: NAMED_TOOL }), ernie: { functions: [FUNCTION], ...ERNIE_NAMED } } },
  { parameter: 'user', sent: { user: 'user-42' }, expected: { ...same({ user: 'user-42' }), ernie: { user_id: 'user-42' } } },
  { parameter: 'reasoning_effort', sent: { reasoning_effort: 'low' }, expected: openAiOnly({ reasoning_effort: 'low' }) },
  { parameter: 'verbosity', sent: { verbosity: 'low' }, expected: openAiOnly({ verbosity: 'low' }) },
  { parameter: 'modalities', sent: { modalities: ['text', 'audio'] }, expected: nowhere },
  { parameter: 'audio', sent: { audio: { voice: 'alloy', format: 'wav' } }, expected: nowhere },
  { parameter: 'prediction', sent: { prediction: { type: 'content', content: 'x' } }, expected: openAiOnly({ prediction: { type: 'content', content: 'x' } }) },
  { parameter: 'web_search_options', sent: { web_search_options: { search_context_size: 'low' } }, expected: openAiOnly({ web_search_options: { search_context_size: 'low' } }) },
  { parameter: 'metadata', sent: { metadata: { team: 'search' } }, expected: openAiOnly({ metadata: { team: 'search' } }) },
  { parameter: 'store', sent: { store: false }, expected: openAiOnly({ store: false }) },
  { parameter: 'service_tier', sent: { service_tier: 'auto' }, expected: openAiOnly({ service_tier: 'auto' }) },
];

const PROVIDERS: {
  provider: Provider;
  start: () => Promise<{
    fake: FakeOpenAi | FakeErnie;
    env: Record<string, string>;
  }>;
}[] = [
  {
    provider: 'ernie',
    start: async () => {
      const fake = await FakeErnie.start();
      return { fake, env: ernieEnv(fake) };
    },
  },
  {
    provider: 'qianfan',
    start: async () => {
      const fake = await FakeOpenAi.start({ apiKey: FAKE_QIANFAN_API_KEY });
      return { fake, env: qianfanEnv(fake) };
    },
  },
  {
    provider: 'openai',
    start: async () => {
      const fake = await FakeOpenAi.start();
      return { fake, env: openAiEnv(fake) };
    },
  },
];

describe.each(PROVIDERS)(
  'every OpenAI parameter on the $provider provider: forwarded, mapped or refused, never dropped (e2e)',
  ({ provider, start }) => {
    let fake: FakeOpenAi | FakeErnie;
    let app: AppProcess;

    beforeAll(async () => {
      const started = await start();
      fake = started.fake;
      app = await startApp({ ...started.env, LLM_MAX_RETRIES: '0' });
    });
    afterEach(() => fake.reset());
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    it.each(
      ROWS.map(
        (row) => [row.parameter, JSON.stringify(row.sent), row] as const,
      ),
    )('%s (%s)', async (_parameter, _sent, row) => {
      const answer = await postJson<any>(`${app.url}/v1/chat/completions`, {
        model: 'any',
        messages: [{ role: 'user', content: 'Define "gateway".' }],
        ...row.sent,
      });
      const outcome = row.expected[provider];
      if (outcome === 'refused') {
        expect(answer.status).toBe(400);
        expect(answer.body.error.param).toBe(row.parameter);
        expect(answer.body.error.message).toContain(`${provider} provider`);
        expect(fake.chatRequests).toHaveLength(0);
        return;
      }
      expect(answer.status).toBe(200);
      expect(fake.chatRequests).toHaveLength(1);
      expect(fake.chatRequests[0].body).toMatchObject(outcome);
    });
  },
);

describe('generation options with the mock provider (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '0' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const complete = (extra: Record<string, unknown>) =>
    postJson<any>(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages: [{ role: 'user', content: 'one two three' }],
      ...extra,
    });

  // The mock stands in for an OpenAI upstream: it takes and refuses what OpenAI's provider does.
  it.each(
    ROWS.map((row) => [row.parameter, JSON.stringify(row.sent), row] as const),
  )('%s (%s) as the openai provider would', async (_parameter, _sent, row) => {
    const answer = await complete(row.sent);
    if (row.expected.openai === 'refused') {
      expect(answer.status).toBe(400);
      expect(answer.body.error.param).toBe(row.parameter);
      expect(answer.body.error.message).toContain('mock provider');
    } else {
      expect(answer.status).toBe(200);
    }
  });

  it('max_tokens cuts the reply (one word per token) with finish_reason length', async () => {
    const whole = await complete({});
    const cut = await complete({ max_tokens: 3 });
    expect(cut.status).toBe(200);
    expect(cut.body.choices[0].finish_reason).toBe('length');
    expect(cut.body.choices[0].message.content).toBe('You said: one');
    expect(
      whole.body.choices[0].message.content.startsWith('You said: one two'),
    ).toBe(true);
    expect(cut.body.usage.completion_tokens).toBe(3);
  });

  it('stop ends the reply before the first stop sequence, with finish_reason stop', async () => {
    const cut = await complete({ stop: ['three', 'two'] });
    expect(cut.body.choices[0].message.content).toBe('You said: one ');
    expect(cut.body.choices[0].finish_reason).toBe('stop');
  });

  it('/server/send honours the same options: max_tokens and stop reach the reply', async () => {
    const subscriber = await subscribe(app);
    try {
      const cut = await postJson<{ messageId: string }>(
        `${app.url}/server/send`,
        {
          messages: [{ role: 'user', content: 'one two three' }],
          max_tokens: 2,
        },
      );
      expect(cut.status).toBe(202);
      const short = await replyOf(subscriber, cut.body.messageId);
      expect(short).toMatchObject({
        text: 'You said:',
        finishReason: 'length',
      });
      const stopped = await postJson<{ messageId: string }>(
        `${app.url}/server/send`,
        {
          messages: [{ role: 'user', content: 'one two three' }],
          stop: 'two',
        },
      );
      const end = await replyOf(subscriber, stopped.body.messageId);
      expect(end).toMatchObject({
        text: 'You said: one ',
        finishReason: 'stop',
      });
    } finally {
      await subscriber.close();
    }
  });

  it('/server/send takes the same options through the same policy', async () => {
    const refused = await postJson<any>(`${app.url}/server/send`, {
      messages: [{ role: 'user', content: 'hi' }],
      logprobs: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details.errors[0]).toMatchObject({
      field: 'logprobs',
      rule: 'isSupportedByProvider',
    });
    const outOfRange = await postJson<any>(`${app.url}/server/send`, {
      messages: [{ role: 'user', content: 'hi' }],
      presence_penalty: 3,
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.details.errors[0].field).toBe('presence_penalty');
  });
});
