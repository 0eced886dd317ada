import OpenAI, {
  APIError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { DEFAULT_CHUNKS, type RecordedRequest } from './fakes/fake-upstream.js';
import {
  startApp,
  startAppExpectingFailure,
  type AppProcess,
} from './support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from './support/catalogue-file.js';
import { sha256Of, writeKeysFile, type KeysFile } from './support/keys-file.js';
import { metricValue } from './support/metrics.js';
import { eventually } from './support/sse-client.js';

const LIMITED_KEY = 'sk-limited-7c1e4b9a2d5f8e03';
const BUDGETED_KEY = 'sk-budgeted-3a6d9c2f5b8e1047';
const OPS_KEY = 'sk-ops-admin-8f2b5e1c4a7d0936';
const NEWCOMER_KEY = 'sk-newcomer-1d4a7c0f3b6e9258';
/** Tokens the fake reports for "Hi": 2 prompt (its characters) + 5 completion (its chunks). */
const TOKENS_PER_HI = 2 + DEFAULT_CHUNKS.length;
/** Two replies fit under it only because the first leaves room: the second crosses it. */
const BUDGET = TOKENS_PER_HI + 1;

const limited = { name: 'limited', secretEnv: 'LIMITED_KEY', models: ['gpt'] };
const budgeted = {
  name: 'budgeted',
  sha256: sha256Of(BUDGETED_KEY),
  budget: { tokens: BUDGET, period: 'day' },
  metadata: { owner: 'ana', team: 'search' },
};
const ops = { name: 'ops', secretEnv: 'OPS_KEY', role: 'admin' };

/** What the fake reported for each of its replies (the formula of test/fakes/fake-openai.ts). */
function reported(requests: RecordedRequest[]) {
  let prompt = 0;
  for (const request of requests) {
    const messages = (request.body?.messages ?? []) as { content?: string }[];
    prompt += Math.max(
      1,
      messages.reduce((n, m) => n + (m.content?.length ?? 0), 0),
    );
  }
  const completion = requests.length * DEFAULT_CHUNKS.length;
  return { prompt, completion, total: prompt + completion };
}

/** The text of the next chunk that carries some (the first chunk is the role's). */
async function nextContent(
  iterator: AsyncIterator<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<string> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error('the stream ended without content');
    const text = next.value.choices[0]?.delta.content;
    if (text) return text;
  }
}

describe('keys from KEYS_FILE: models, budgets, usage, reload (e2e)', () => {
  let fake: FakeOpenAi;
  let catalogue: CatalogueFile;
  let keys: KeysFile;
  let app: AppProcess;
  const client = (key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
  const usage = async (key: string, query = '') => {
    const response = await fetch(`${app.url}/v1/usage${query}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const hi = (key: string, model = 'gpt') =>
    client(key).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    catalogue = await writeCatalogue({
      deployments: [
        {
          name: 'gpt-a',
          model: 'gpt',
          provider: 'openai',
          baseUrl: `${fake.url}/v1`,
        },
        {
          name: 'mini-a',
          model: 'mini',
          provider: 'openai',
          baseUrl: `${fake.url}/v1`,
        },
      ],
    });
    keys = await writeKeysFile({ keys: [limited, budgeted, ops] });
    app = await startApp({
      MODELS_FILE: catalogue.path,
      OPENAI_API_KEY: fake.apiKey,
      KEYS_FILE: keys.path,
      LIMITED_KEY,
      OPS_KEY,
      NEWCOMER_KEY,
      LLM_MAX_RETRIES: '0',
    });
  });
  afterEach(() => {
    for (const secret of [LIMITED_KEY, BUDGETED_KEY, OPS_KEY, NEWCOMER_KEY]) {
      expect(app.output()).not.toContain(secret);
    }
    fake.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await catalogue?.remove();
    await keys?.remove();
  });

  it('refuses a model the key may not use with 403 naming it, and lists only its models', async () => {
    const refused = await hi(LIMITED_KEY, 'mini').catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect((refused as APIError).code).toBe('model_not_allowed');
    expect((refused as APIError).message).toContain("'mini'");
    expect(fake.chatRequests).toHaveLength(0);

    const sent = await fetch(`${app.url}/server/send`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${LIMITED_KEY}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        model: 'mini',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(sent.status).toBe(403);
    expect(await sent.json()).toMatchObject({ code: 'model_not_allowed' });
    const serverModels = await fetch(`${app.url}/server/models`, {
      headers: { Authorization: `Bearer ${LIMITED_KEY}` },
    });
    expect(
      ((await serverModels.json()) as { models: { id: string }[] }).models.map(
        (m) => m.id,
      ),
    ).toEqual(['gpt']);

    const models = await client(LIMITED_KEY).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt']);
    const all = await client(OPS_KEY).models.list();
    expect(all.data.map((m) => m.id).sort()).toEqual(['gpt', 'mini']);

    const completion = await hi(LIMITED_KEY);
    expect(completion.choices[0].message.content).toBe(DEFAULT_CHUNKS.join(''));
  });

  it('finishes the stream that crosses the budget, then refuses with insufficient_quota, the reset time and Retry-After', async () => {
    await hi(BUDGETED_KEY);
    const stream = await client(BUDGETED_KEY).chat.completions.create({
      model: 'gpt',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(DEFAULT_CHUNKS.join(''));
    expect(finish).toBe('stop');

    const refused = await hi(BUDGETED_KEY).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    const error = refused as RateLimitError;
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(error.message).toContain(tomorrow.toISOString());
    const retryAfter = Number(error.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(fake.chatRequests).toHaveLength(2);

    const own = await usage(BUDGETED_KEY);
    expect(own.body.caller.budget).toMatchObject({
      period: 'day',
      tokens: BUDGET,
      used: 2 * TOKENS_PER_HI,
      remaining: 0,
      resets_at: tomorrow.toISOString(),
    });
  });

  it('totals in /v1/usage match what the upstream reported, for the key and for an admin', async () => {
    await eventually(
      async () => (await usage(LIMITED_KEY)).body.totals.requests === 1,
      5_000,
      'the earlier test to be counted',
    );
    const before = (await usage(LIMITED_KEY)).body.totals;
    await hi(LIMITED_KEY);
    await hi(LIMITED_KEY);
    const upstream = reported(fake.chatRequests);
    const expected = {
      requests: before.requests + 2,
      prompt_tokens: before.prompt_tokens + upstream.prompt,
      completion_tokens: before.completion_tokens + upstream.completion,
      total_tokens: before.total_tokens + upstream.total,
      errors: 0,
    };

    const own = await usage(LIMITED_KEY);
    expect(own.status).toBe(200);
    expect(own.body.totals).toEqual(expected);
    expect(own.body.data).toEqual([
      expect.objectContaining({ key: 'limited', model: 'gpt', ...expected }),
    ]);
    expect(own.body.caller).toMatchObject({ name: 'limited', models: ['gpt'] });

    const forAdmin = await usage(OPS_KEY, '?key=limited&model=gpt');
    expect(forAdmin.body.totals).toEqual(expected);
    const everyKey = await usage(OPS_KEY);
    expect(new Set(everyKey.body.data.map((row: any) => row.key))).toEqual(
      new Set(['limited', 'budgeted']),
    );
    expect(everyKey.body.totals.total_tokens).toBe(
      expected.total_tokens + 2 * TOKENS_PER_HI,
    );
    const other = await usage(LIMITED_KEY, '?key=budgeted');
    expect(other.status).toBe(403);
    const badRange = await usage(LIMITED_KEY, '?from=2026-13-01');
    expect(badRange.status).toBe(400);

    expect(
      await metricValue(app.url, 'chatgw_key_tokens_total', {
        key: 'limited',
        model: 'gpt',
        type: 'completion',
      }),
    ).toBe(expected.completion_tokens);
  });

  it('counts a reply the client leaves mid-way', async () => {
    const before = (await usage(OPS_KEY)).body.totals;
    fake.enqueue({
      type: 'stall',
      afterChunks: 2,
      chunks: ['Twelve chars', 'more text'],
    });
    const controller = new AbortController();
    const stream = await client(OPS_KEY).chat.completions.create(
      {
        model: 'mini',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      },
      { signal: controller.signal },
    );
    let received = 0;
    // Whether the SDK's loop throws on abort or just ends, the reply is left.
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received++;
        if (received === 2) controller.abort();
      }
    })().catch(() => undefined);
    expect(received).toBe(2);
    await eventually(
      async () =>
        (await usage(OPS_KEY)).body.totals.requests === before.requests + 1,
      5_000,
      'the abandoned reply to be counted',
    );
    const after = (await usage(OPS_KEY)).body.totals;
    // No usage came from the upstream: ~4 characters a token of what was received.
    expect(after.completion_tokens - before.completion_tokens).toBe(
      Math.ceil('Twelve charsmore text'.length / 4),
    );
    expect(after.errors).toBe(before.errors);
  });

  it('on SIGHUP adds a key and removes another without dropping a third key’s open stream; the removed key’s stream ends with an error', async () => {
    fake.enqueue(
      { type: 'stall', afterChunks: 1, chunks: ['doomed', 'never'] },
      {
        type: 'reply',
        chunks: Array.from({ length: 20 }, (_, i) => `w${i} `),
        chunkDelayMs: 150,
      },
    );
    const doomed = await client(
      BUDGETED_KEY.replace(/.*/, OPS_KEY),
    ).chat.completions.create({
      model: 'gpt',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    // Removed below: an admin key whose reply is running.
    const doomedIterator = doomed[Symbol.asyncIterator]();
    expect(await nextContent(doomedIterator)).toBe('doomed');
    const kept = await client(LIMITED_KEY).chat.completions.create({
      model: 'gpt',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const keptIterator = kept[Symbol.asyncIterator]();
    let keptText = await nextContent(keptIterator);

    await keys.write({
      keys: [
        limited,
        budgeted,
        { name: 'newcomer', secretEnv: 'NEWCOMER_KEY', models: ['mini'] },
      ],
    });
    app.child.kill('SIGHUP');
    await eventually(
      () => app.output().includes('Keys reloaded'),
      5_000,
      'the reload',
    );

    const doomedEnd = await (async () => {
      for (;;) {
        const next = await doomedIterator.next();
        if (next.done) return undefined;
      }
    })().catch((error: unknown) => error);
    expect(doomedEnd).toBeInstanceOf(APIError);
    expect((doomedEnd as APIError).message).toContain('removed');

    expect(
      (await client(NEWCOMER_KEY).models.list()).data.map((m) => m.id),
    ).toEqual(['mini']);
    const gone = await client(OPS_KEY)
      .models.list()
      .catch((error: unknown) => error);
    expect((gone as APIError).status).toBe(401);

    for (;;) {
      const next = await keptIterator.next();
      if (next.done) break;
      keptText += next.value.choices[0]?.delta.content ?? '';
    }
    expect(keptText).toBe(
      Array.from({ length: 20 }, (_, i) => `w${i} `).join(''),
    );
  });

  it('keeps the keys in force when the file is bad at reload, and says why without any value', async () => {
    await keys.write({
      keys: [
        { name: 'limited', secretEnv: 'LIMITED_KEY', secret: LIMITED_KEY },
        {
          name: 'broken',
          sha256: 'not-a-hash',
          budget: { tokens: -1, period: 'week' },
        },
      ],
    });
    const before = app.output().length;
    app.child.kill('SIGHUP');
    await eventually(
      () => app.output().slice(before).includes('Keys not reloaded'),
      5_000,
      'the refused reload',
    );
    const log = app.output().slice(before);
    expect(log).toContain('keys[0] (limited).secret');
    expect(log).toContain('keys[1] (broken).sha256');
    expect(log).toContain('keys[1] (broken).budget.period');
    expect(log).not.toContain('not-a-hash');
    expect(log).not.toContain(LIMITED_KEY);

    expect((await client(NEWCOMER_KEY).models.list()).data).toHaveLength(1);
    expect((await hi(LIMITED_KEY)).choices[0].message.content).toBe(
      DEFAULT_CHUNKS.join(''),
    );
  });
});

describe('a bad KEYS_FILE at start-up (e2e)', () => {
  it('stops the process naming the entry and the field, never the value', async () => {
    const keys = await writeKeysFile({
      keys: [
        { name: 'a', secretEnv: 'OPS_KEY' },
        {
          name: 'b',
          sha256: sha256Of(OPS_KEY),
          models: 'gpt',
          role: 'superuser',
        },
      ],
    });
    try {
      const { code, output } = await startAppExpectingFailure({
        KEYS_FILE: keys.path,
      });
      expect(code).not.toBe(0);
      expect(output).toContain('keys[1] (b).models');
      expect(output).toContain('keys[1] (b).role');
      expect(output).not.toContain('superuser');
      expect(output).not.toContain(sha256Of(OPS_KEY));
    } finally {
      await keys.remove();
    }
  });
});
