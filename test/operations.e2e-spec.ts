import OpenAI from 'openai';
import { startApp, type AppProcess } from './support/app-process.js';
import { metricValue } from './support/metrics.js';
import { eventually, postJson, SseClient } from './support/sse-client.js';

interface HealthReport {
  status: string;
  details: Record<string, { status: string; [key: string]: unknown }>;
}

interface OpenApiOperation {
  responses?: Record<string, unknown>;
  security?: unknown[];
  parameters?: { name: string }[];
}

describe('health, metrics, docs and logs (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '10' });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('reports liveness and readiness (bus, provider, lifecycle), uncached', async () => {
    const live = await fetch(`${app.url}/health/live`);
    expect(live.status).toBe(200);
    expect(((await live.json()) as HealthReport).status).toBe('ok');
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toContain('no-cache');
    const report = (await ready.json()) as HealthReport;
    expect(report.status).toBe('ok');
    expect(report.details.bus.status).toBe('up');
    expect(report.details.lifecycle.status).toBe('up');
    expect(report.details.provider).toMatchObject({
      status: 'up',
      provider: 'mock',
      model: 'mock-echo-1',
    });
  });

  it('moves the counters of a chat, with no user text in any label', async () => {
    const counter = (name: string, labels: Record<string, string> = {}) =>
      metricValue(app.url, name, labels);
    const before = {
      started: await counter('chatgw_generations_started_total'),
      stop: await counter('chatgw_generations_finished_total', {
        finish_reason: 'stop',
      }),
      failed: await counter('chatgw_generations_failed_total', {
        code: 'upstream_unavailable',
      }),
      deltas: await counter('chatgw_sse_events_published_total', {
        type: 'delta',
      }),
      completion: await counter('chatgw_llm_tokens_total', {
        type: 'completion',
      }),
      ttft: await counter('chatgw_llm_time_to_first_token_seconds_count'),
    };
    const events = await SseClient.open(`${app.url}/server/events`);
    await events.waitFor((c) => c.ofType('ready').length > 0);
    expect(await counter('chatgw_open_streams')).toBe(1);

    const secretText = 'my-private-words-4711';
    const ok = await postJson<{ messageId: string }>(`${app.url}/server/send`, {
      messages: [{ role: 'user', content: secretText }],
    });
    const failed = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      {
        messages: [
          { role: 'user', content: '/mock-error upstream_unavailable' },
        ],
      },
    );
    await events.waitForEnd(ok.body.messageId);
    await events.waitForEnd(failed.body.messageId);
    await events.close();

    await eventually(
      async () =>
        (await counter('chatgw_generations_failed_total', {
          code: 'upstream_unavailable',
        })) ===
        before.failed + 1,
      5_000,
      'the failed generation counted',
    );
    expect(await counter('chatgw_generations_started_total')).toBe(
      before.started + 2,
    );
    expect(
      await counter('chatgw_generations_finished_total', {
        finish_reason: 'stop',
      }),
    ).toBe(before.stop + 1);
    expect(
      await counter('chatgw_sse_events_published_total', { type: 'delta' }),
    ).toBeGreaterThan(before.deltas + 3);
    expect(
      await counter('chatgw_llm_tokens_total', { type: 'completion' }),
    ).toBeGreaterThan(before.completion);
    expect(await counter('chatgw_llm_time_to_first_token_seconds_count')).toBe(
      before.ttft + 2,
    );
    expect(
      await counter('chatgw_http_requests_total', {
        route: '/server/send',
        status: '202',
      }),
    ).toBeGreaterThanOrEqual(2);
    await eventually(
      async () => (await counter('chatgw_open_streams')) === 0,
      5_000,
      'the stream gauge back to 0',
    );

    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).not.toContain(secretText);
  });

  it('publishes a valid OpenAPI 3 document covering every route, with the bearer scheme', async () => {
    const document = (await (await fetch(`${app.url}/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, OpenApiOperation>>;
      components: { securitySchemes?: Record<string, Record<string, string>> };
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
    });
    for (const path of [
      '/server/send',
      '/server/events',
      '/server/stream-tokens',
      '/v1/chat/completions',
      '/v1/models',
      '/v1/models/{model}',
      '/health/live',
      '/health/ready',
      '/metrics',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(Object.keys(operation.responses ?? {}), where).not.toEqual([]);
        const isPublic = path.startsWith('/health') || path === '/metrics';
        expect(Boolean(operation.security?.length), where).toBe(!isPublic);
      }
    }
    const events = document.paths['/server/events'].get;
    expect(events.parameters?.map((p) => p.name)).toContain('streamToken');
    const completion = document.paths['/v1/chat/completions'].post as {
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    expect(Object.keys(completion.responses['200'].content ?? {})).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    for (const status of ['400', '401', '429', '502', '503', '504']) {
      expect(Object.keys(completion.responses)).toContain(status);
    }
  });

  it('serves the docs page and the client under the CSP', async () => {
    for (const path of ['/', '/docs']) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain(
        "script-src 'self'",
      );
    }
  });

  it('puts the request id on every line logged during the request', async () => {
    const client = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: 'open',
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create(
      {
        model: 'any',
        stream: true,
        messages: [{ role: 'user', content: 'long enough '.repeat(30) }],
      },
      { headers: { 'X-Request-Id': 'trace-me-42' } },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    const logged = () =>
      app
        .output()
        .split('\n')
        .filter((line) => line.includes('closed a streamed completion'));
    await eventually(() => logged().length > 0, 5_000, 'the cancel log line');
    const line = JSON.parse(logged().at(-1)!) as { req?: { id?: string } };
    expect(line.req?.id).toBe('trace-me-42');

    const answer = await fetch(`${app.url}/health/live`);
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness while draining (e2e)', () => {
  it('turns /health/ready to 503 from SIGTERM while replies finish, then exits 0', async () => {
    const app = await startApp({
      MOCK_DELAY_MS: '150',
      SHUTDOWN_GRACE_MS: '8000',
    });
    const sent = await postJson(`${app.url}/server/send`, {
      messages: [{ role: 'user', content: 'a reply that takes a while' }],
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () =>
        (await metricValue(app.url, 'chatgw_generations_started_total')) === 1,
      5_000,
      'the generation started',
    );
    const exited = app.stop('SIGTERM');
    let report: HealthReport | undefined;
    await eventually(
      async () => {
        const ready = await fetch(`${app.url}/health/ready`);
        if (ready.status !== 503) return false;
        report = (await ready.json()) as HealthReport;
        return true;
      },
      5_000,
      'readiness 503',
    );
    expect(report!.details.lifecycle).toMatchObject({
      status: 'down',
      message: 'shutting down',
    });
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    const refused = await postJson(`${app.url}/v1/chat/completions`, {
      model: 'any',
      messages: [{ role: 'user', content: 'late' }],
    });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'shutting_down' } });
    expect(await exited).toBe(0);
  });
});

describe('streamed completions at shutdown (e2e)', () => {
  it('ends a completion still running after SHUTDOWN_GRACE_MS with a shutting_down error event', async () => {
    const app = await startApp({
      MOCK_DELAY_MS: '200',
      SHUTDOWN_GRACE_MS: '600',
    });
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'any',
        stream: true,
        messages: [{ role: 'user', content: 'slow '.repeat(40) }],
      }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let body = decoder.decode((await reader.read()).value, { stream: true });
    const exited = app.stop('SIGTERM');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
    }
    const last = body.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length))).toMatchObject({
      error: { code: 'shutting_down', type: 'server_error' },
    });
    expect(body).not.toContain('[DONE]');
    expect(await exited).toBe(0);
  });
});

describe('log settings (e2e)', () => {
  it('honours LOG_LEVEL', async () => {
    const refusedLine =
      /"level":20,.*Refused GET \/v1\/models: invalid_api_key/;
    const refuse = async (app: AppProcess) => {
      const answer = await fetch(`${app.url}/v1/models`, {
        headers: { Authorization: 'Bearer wrong-key' },
      });
      expect(answer.status).toBe(401);
      await eventually(
        () => app.output().includes('"statusCode":401'),
        5_000,
        'the 401 logged',
      );
    };
    const keys = { API_KEYS: 'sk-level-test-0123456789abcdef' };
    const debug = await startApp({ ...keys, LOG_LEVEL: 'debug' });
    const info = await startApp(keys);
    try {
      await refuse(debug);
      await refuse(info);
      expect(debug.output()).toMatch(refusedLine);
      expect(info.output()).not.toContain('Refused');
    } finally {
      await Promise.all([debug.stop(), info.stop()]);
    }
  });

  it('writes human-readable lines with LOG_PRETTY', async () => {
    const app = await startApp({ LOG_PRETTY: 'true' });
    try {
      const lines = app.output().trim().split('\n');
      expect(lines.some((line) => line.includes('Listening on'))).toBe(true);
      expect(lines.every((line) => !line.startsWith('{'))).toBe(true);
    } finally {
      await app.stop();
    }
  });
});
