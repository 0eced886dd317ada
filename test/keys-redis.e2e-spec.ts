import OpenAI, { RateLimitError } from 'openai';
import { FakeOpenAi } from './fakes/fake-openai.js';
import { DEFAULT_CHUNKS } from './fakes/fake-upstream.js';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from './support/catalogue-file.js';
import { sha256Of, writeKeysFile, type KeysFile } from './support/keys-file.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';

const TEAM_KEY = 'sk-team-shared-4b7e0a3d6c9f2518';
const SOLO_KEY = 'sk-solo-stream-9e2c5f8b1a4d7063';
const ADMIN_KEY = 'sk-admin-shared-2f5a8d1c4e7b0369';
const PACED_KEY = 'sk-paced-rpm-6a3f0c9d2e5b8147';
/** Tokens the fake reports for "Hi": 2 prompt + 5 completion. */
const TOKENS_PER_HI = 2 + DEFAULT_CHUNKS.length;

describe('key budgets, usage and limits shared by two instances through Redis (e2e)', () => {
  let redis: RedisServer;
  let fake: FakeOpenAi;
  let catalogue: CatalogueFile;
  let keys: KeysFile;
  const apps: AppProcess[] = [];
  const client = (app: AppProcess, key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
  const hi = (app: AppProcess, key: string) =>
    client(app, key).chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'Hi' }],
    });

  beforeAll(async () => {
    [redis, fake] = await Promise.all([startRedisServer(), FakeOpenAi.start()]);
    catalogue = await writeCatalogue({
      deployments: [
        {
          name: 'gpt-a',
          model: 'gpt',
          provider: 'openai',
          baseUrl: `${fake.url}/v1`,
        },
      ],
    });
    keys = await writeKeysFile({
      keys: [
        {
          name: 'team',
          sha256: sha256Of(TEAM_KEY),
          budget: { tokens: 2 * TOKENS_PER_HI, period: 'month' },
        },
        { name: 'solo', sha256: sha256Of(SOLO_KEY), maxStreams: 1 },
        { name: 'admin', sha256: sha256Of(ADMIN_KEY), role: 'admin' },
        { name: 'paced', sha256: sha256Of(PACED_KEY), rpm: 2 },
      ],
    });
    const env = {
      ...redisEnv(redis, 'keys'),
      MODELS_FILE: catalogue.path,
      OPENAI_API_KEY: fake.apiKey,
      KEYS_FILE: keys.path,
      LLM_MAX_RETRIES: '0',
    };
    // One after the other: two starting at once on a busy machine can take long.
    apps.push(await startApp(env, { timeoutMs: 45_000 }));
    apps.push(await startApp(env, { timeoutMs: 45_000 }));
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await fake?.close();
    await redis?.dispose();
    await catalogue?.remove();
    await keys?.remove();
  });

  it('spends one budget from both instances: half on each, then refused on both', async () => {
    const [a, b] = apps;
    await hi(a, TEAM_KEY);
    await hi(b, TEAM_KEY);
    for (const app of apps) {
      const refused = await hi(app, TEAM_KEY).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitError);
      expect((refused as RateLimitError).code).toBe('insufficient_quota');
    }
    expect(fake.chatRequests).toHaveLength(2);

    for (const app of apps) {
      const response = await fetch(`${app.url}/v1/usage?key=team`, {
        headers: { Authorization: `Bearer ${ADMIN_KEY}` },
      });
      const body = (await response.json()) as any;
      expect(body.totals).toMatchObject({
        requests: 2,
        total_tokens: 2 * TOKENS_PER_HI,
      });
    }
  });

  it('holds a key to its own rpm, in place of RATE_LIMIT_MAX, across instances', async () => {
    const [a, b] = apps;
    await hi(a, PACED_KEY);
    await hi(b, PACED_KEY);
    const refused = await hi(a, PACED_KEY).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).code).toBe('rate_limit_exceeded');
    expect(
      Number((refused as RateLimitError).headers?.get('retry-after')),
    ).toBeGreaterThan(0);
    // Other keys keep the global limit.
    await hi(b, ADMIN_KEY);
  });

  it('counts a key’s replies at once across instances (maxStreams)', async () => {
    const [a, b] = apps;
    fake.enqueue({ type: 'stall', afterChunks: 1, chunks: ['held', 'x'] });
    const controller = new AbortController();
    const held = await client(a, SOLO_KEY).chat.completions.create(
      {
        model: 'gpt',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      },
      { signal: controller.signal },
    );
    const iterator = held[Symbol.asyncIterator]();
    await iterator.next();
    const refused = await hi(b, SOLO_KEY).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).code).toBe('rate_limit_exceeded');
    expect((refused as RateLimitError).message).toContain('maxStreams');
    controller.abort();
    await iterator.return?.().catch(() => undefined);
    await fake.waitFor(() => fake.chatRequests.every((r) => r.settled));
    // The slot is given back when the reply ends.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const answer = await hi(b, SOLO_KEY).catch((error: unknown) => error);
      if (!(answer instanceof Error)) break;
      if (Date.now() > deadline) throw answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
