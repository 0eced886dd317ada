import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from './support/catalogue-file.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { eventually, postJson } from './support/sse-client.js';

const RPM = 3;

describe('per-deployment rpm shared by two instances through Redis (e2e)', () => {
  let redis: RedisServer;
  let upstream: FakeOpenAi;
  let file: CatalogueFile;
  let one: AppProcess;
  let two: AppProcess;

  const ask = (app: AppProcess) =>
    postJson<{ error?: { code: string } }>(`${app.url}/v1/chat/completions`, {
      model: 'gpt',
      messages: [{ role: 'user', content: 'Hi' }],
    });

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([
      startRedisServer(),
      FakeOpenAi.start(),
    ]);
    file = await writeCatalogue({
      deployments: [
        {
          name: 'gpt-limited',
          model: 'gpt',
          provider: 'openai',
          baseUrl: `${upstream.url}/v1`,
          rpm: RPM,
        },
      ],
    });
    const env = {
      MODELS_FILE: file.path,
      OPENAI_API_KEY: upstream.apiKey,
      ...redisEnv(redis, 'e2e'),
      LLM_MAX_RETRIES: '0',
    };
    [one, two] = await Promise.all([startApp(env), startApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await upstream.close();
    await redis.dispose();
    await file.remove();
  });

  it('lets RPM requests through in a minute, whichever instance takes them, and refuses the next', async () => {
    // The window is the clock minute: start early in one, so that it cannot roll over mid-test.
    await eventually(
      () => Date.now() % 60_000 < 40_000,
      25_000,
      'the start of a quota minute',
    );
    const answers = [];
    for (const app of [one, two, one, two, one]) answers.push(await ask(app));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 503, 503]);
    expect(answers[3].body.error?.code).toBe('upstream_rate_limited');
    expect(answers[3].headers.get('retry-after')).toMatch(/^\d+$/);
    expect(upstream.chatRequests).toHaveLength(RPM);
  });
});
