import { gzipSync } from 'node:zlib';
import { startApp, type AppProcess } from '../support/app-process.js';
import { preflight } from '../support/cors.js';
import { rawRequest } from '../support/raw-request.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const hello = JSON.stringify({
  messages: [{ role: 'user', content: 'hello' }],
});

/** Issue #14, finding 2 and the small ones: the set-up a laptop gets without any setting. */
describe('safe defaults (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    // No HOST at all: the server chooses.
    app = await startApp({ HOST: undefined });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('binds to loopback when HOST is not set', () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.output()).not.toContain('API_KEYS is not set');
  });

  it.each([
    ['localhost', 404],
    [`localhost:${9}`, 404],
    ['127.0.0.1', 404],
    ['[::1]:8000', 404],
    ['app.localhost', 404],
    ['evil.example', 421],
    ['evil.example:8000', 421],
    ['localhost.evil.example', 421],
  ])('answers Host: %s with %i', async (host, status) => {
    const answer = await rawRequest(app.url, {
      method: 'GET',
      path: '/server/conversations/c_1',
      headers: { Host: host },
    });
    // 404: the request passed the Host check and reached the route.
    expect(answer.status).toBe(status);
    if (status === 421) {
      expect(JSON.parse(answer.text)).toMatchObject({
        statusCode: 421,
        code: 'host_not_allowed',
      });
    }
  });

  it('answers health checks under any name (probes call service names)', async () => {
    const answer = await rawRequest(app.url, {
      method: 'GET',
      path: '/health/live',
      headers: { Host: 'gateway.internal' },
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a rebinding page even when its Origin is allowed by CORS', async () => {
    const answer = await rawRequest(app.url, {
      method: 'POST',
      path: '/server/send',
      headers: { ...JSON_TYPE, Host: 'evil.example', Origin: 'null' },
      body: hello,
    });
    expect(answer.status).toBe(421);
  });

  it.each([
    ['null', true],
    ['http://localhost:5173', true],
    ['http://localhost', true],
    ['http://127.0.0.1:8080', true],
    ['http://[::1]:3000', true],
    ['http://evil.example', false],
    ['http://localhost.evil.example:5173', false],
    ['https://localhost:5173', false],
  ])('CORS lets origin %s in: %s', async (origin, allowed) => {
    const answer = await preflight(`${app.url}/server/send`, origin);
    expect(answer.headers.get('access-control-allow-origin')).toBe(
      allowed ? origin : null,
    );
  });

  it.each([
    ['POST', '/server/conversations/default/cancel', {}],
    ['POST', '/server/stream-tokens', {}],
    ['DELETE', '/server/conversations/c_1', {}],
    ['POST', '/server/send', { 'Content-Type': 'text/plain' }],
    [
      'POST',
      '/server/send',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    ],
  ])(
    'refuses %s %s as a cross-site page could send it without a preflight (%j)',
    async (method, path, headers) => {
      const answer = await rawRequest(app.url, {
        method,
        path,
        headers: headers as Record<string, string>,
        ...(path === '/server/send' ? { body: hello } : {}),
      });
      expect(answer.status).toBe(415);
      expect(JSON.parse(answer.text)).toMatchObject({
        code: 'unsupported_media_type',
        details: { errors: [{ field: 'Content-Type' }] },
      });
    },
  );

  it('accepts bodiless POSTs with a JSON content type or X-Requested-With', async () => {
    const typed = await rawRequest(app.url, {
      method: 'POST',
      path: '/server/stream-tokens',
      headers: JSON_TYPE,
    });
    expect(typed.status).toBe(200);
    const custom = await rawRequest(app.url, {
      method: 'POST',
      path: '/server/conversations/default/cancel',
      headers: { 'X-Requested-With': 'fetch' },
    });
    expect(custom.status).toBe(202);
  });

  it('answers a malformed gzip body with invalid_encoding, not zlib’s words', async () => {
    const broken = Buffer.concat([
      gzipSync(hello).subarray(0, 12),
      Buffer.from('garbage'),
    ]);
    for (const body of [Buffer.from('not gzip at all'), broken]) {
      const answer = await rawRequest(app.url, {
        method: 'POST',
        path: '/server/send',
        headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
        body,
      });
      expect(answer.status).toBe(400);
      const error = JSON.parse(answer.text) as Record<string, unknown>;
      expect(error).toMatchObject({
        statusCode: 400,
        code: 'invalid_encoding',
      });
      expect(answer.text).not.toMatch(/header check|unexpected end|zlib/i);
    }
  });

  it('sends no HSTS over plain HTTP, and a CSP whose connect-src is self and the local origins', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.headers.get('strict-transport-security')).toBeNull();
    const csp = page.headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1].split(' ');
    expect(connect).toEqual([
      "'self'",
      'http://localhost:*',
      'http://127.0.0.1:*',
    ]);
  });

  it('sends the event stream only the headers that apply to a stream (nosniff, resource policy), not the page policies', async () => {
    const controller = new AbortController();
    try {
      const stream = await fetch(`${app.url}/server/events`, {
        signal: controller.signal,
      });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
      expect(stream.headers.get('cross-origin-resource-policy')).toBe(
        'cross-origin',
      );
      for (const pageOnly of [
        'content-security-policy',
        'x-frame-options',
        'referrer-policy',
        'cross-origin-opener-policy',
      ]) {
        expect(stream.headers.get(pageOnly), pageOnly).toBeNull();
      }
      const answer = await fetch(`${app.url}/server/conversations`);
      expect(answer.headers.get('content-security-policy')).toBeTruthy();
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    } finally {
      controller.abort();
    }
  });
});

describe('HSTS behind a TLS-terminating proxy (e2e)', () => {
  it('is sent only when a trusted proxy says the request came over HTTPS', async () => {
    const app = await startApp({ TRUST_PROXY_HOPS: '1' });
    try {
      const overHttps = await fetch(`${app.url}/health/live`, {
        headers: { 'X-Forwarded-Proto': 'https' },
      });
      expect(overHttps.headers.get('strict-transport-security')).toMatch(
        /^max-age=\d+/,
      );
      const overHttp = await fetch(`${app.url}/health/live`);
      expect(overHttp.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await app.stop();
    }
  });

  it('ignores X-Forwarded-Proto when no proxy is trusted', async () => {
    const app = await startApp({});
    try {
      const spoofed = await fetch(`${app.url}/health/live`, {
        headers: { 'X-Forwarded-Proto': 'https' },
      });
      expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await app.stop();
    }
  });
});

describe('open access with a real upstream (e2e)', () => {
  it('warns that local pages can spend the upstream quota', async () => {
    const app = await startApp({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test-not-used-0000000000',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    try {
      expect(app.output()).toContain('can spend its quota');
    } finally {
      await app.stop();
    }
  });

  it('binds 0.0.0.0 only when told, and then still warns that the API is open', async () => {
    const app = await startApp({ HOST: '0.0.0.0' });
    try {
      expect(app.output()).toContain('API_KEYS is not set');
    } finally {
      await app.stop();
    }
  });
});
