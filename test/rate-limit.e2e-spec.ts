import OpenAI, { RateLimitError } from 'openai';
import { startApp, type AppProcess } from './support/app-process.js';
import { postJson, SseClient } from './support/sse-client.js';

const KEY_A = 'sk-rl-A-5e4d3c2b1a0f9e8d7c6b';
const KEY_B = 'sk-rl-B-0f1e2d3c4b5a69788796';
const LIMIT = 3;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const message = { messages: [{ role: 'user', content: 'hi' }] };

describe('rate limits (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      API_KEYS: `${KEY_A},${KEY_B}`,
      RATE_LIMIT_MAX: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers 429 with Retry-After past RATE_LIMIT_MAX, per key, across routes', async () => {
    const send = () =>
      postJson(`${app.url}/server/send`, message, bearer(KEY_A));
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    const read = await fetch(`${app.url}/server/conversations/c_none`, {
      headers: bearer(KEY_A),
    });
    expect(read.status).toBe(404);
    const refused = await send();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      code: 'rate_limited',
      details: { retryAfterSeconds: retryAfter, limit: LIMIT },
    });

    // Another key has its own budget.
    expect(
      (await postJson(`${app.url}/server/send`, message, bearer(KEY_B))).status,
    ).toBe(202);
  });

  it('gives the OpenAI route an OpenAI-shaped 429 (RateLimitError)', async () => {
    const sdk = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: KEY_A,
      maxRetries: 0,
    });
    const error = await sdk.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
    expect((error as RateLimitError).type).toBe('rate_limit_error');
    expect(
      Number((error as RateLimitError).headers?.get('retry-after')),
    ).toBeGreaterThan(0);
  });

  it('counts stream opens in their own bucket, and never limits health or metrics', async () => {
    const stream = await SseClient.open(`${app.url}/server/events`, {
      headers: bearer(KEY_A),
    });
    try {
      expect(stream.response.status).toBe(200);
    } finally {
      await stream.close();
    }
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    }
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^chatgw_rate_limited_total\{limiter="default"\} [1-9]/m,
    );
  });

  it('limits stream opens too, past RATE_LIMIT_MAX of them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      const stream = await SseClient.open(`${app.url}/server/events`, {
        headers: bearer(KEY_B),
      });
      statuses.push(stream.response.status);
      await stream.close();
    }
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('rate limits without keys (e2e)', () => {
  it('counts per client address when the API is open', async () => {
    const app = await startApp({ RATE_LIMIT_MAX: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await postJson(`${app.url}/server/send`, message)).status,
        );
      }
      expect(statuses).toEqual([202, 202, 429]);
    } finally {
      await app.stop();
    }
  });
});
