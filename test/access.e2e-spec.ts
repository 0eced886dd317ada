import OpenAI, { AuthenticationError } from 'openai';
import { ApiKeys } from '../src/access/api-keys.js';
import { StreamTokenSigner } from '../src/access/stream-token-signer.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { eventually, postJson, SseClient } from './support/sse-client.js';

const KEY_A = 'sk-gw-A-7f3c9e1b5d2a8f6e4c0b9a7d';
const KEY_B = 'sk-gw-B-1a2b3c4d5e6f7a8b9c0d1e2f';
const NOT_A_KEY = 'sk-gw-X-0000111122223333444455';
const SECRET = 'test-stream-token-secret-0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const message = (content: string) => ({
  messages: [{ role: 'user', content }],
});

interface StreamToken {
  token: string;
  expiresAt: string;
  expiresIn: number;
  conversationId?: string;
}

async function streamStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.ok) {
    controller.abort();
    return { status: response.status, body: undefined };
  }
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('API keys and stream tokens (e2e)', () => {
  let app: AppProcess;
  const clients: SseClient[] = [];
  const issued: string[] = [];
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${app.url}${path}`, { headers });
    clients.push(client);
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => c.ofType('ready').length > 0, 5_000, 'ready');
    return client;
  };
  const tokenFor = async (key: string, conversationId?: string) => {
    const answer = await postJson<StreamToken>(
      `${app.url}/server/stream-tokens`,
      conversationId ? { conversationId } : {},
      bearer(key),
    );
    expect(answer.status).toBe(200);
    issued.push(answer.body.token);
    return answer.body;
  };

  beforeAll(async () => {
    app = await startApp({
      API_KEYS: `${KEY_A},${KEY_B}`,
      STREAM_TOKEN_SECRET: SECRET,
      STREAM_TOKEN_TTL_S: '60',
      MAX_STREAMS_PER_KEY: '2',
      LOG_LEVEL: 'trace',
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await app.stop();
  });

  it.each([
    ['POST', '/server/send'],
    ['GET', '/server/conversations/c_1'],
    ['POST', '/server/stream-tokens'],
    ['GET', '/server/events'],
    ['GET', '/v1/models'],
  ])(
    'refuses %s %s without a key: 401 JSON with WWW-Authenticate',
    async (method, path) => {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: method === 'POST' ? JSON.stringify(message('hi')) : undefined,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = (await response.json()) as Record<string, unknown>;
      if (path.startsWith('/v1')) {
        expect(body).toMatchObject({
          error: { type: 'authentication_error', code: 'missing_api_key' },
        });
      } else {
        expect(body).toMatchObject({
          statusCode: 401,
          code: 'missing_api_key',
        });
      }
    },
  );

  it('refuses a wrong key, and the OpenAI SDK sees an AuthenticationError', async () => {
    const sent = await postJson(
      `${app.url}/server/send`,
      message('hi'),
      bearer(NOT_A_KEY),
    );
    expect(sent.status).toBe(401);
    expect(sent.body).toMatchObject({ code: 'invalid_api_key' });
    const sdk = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: NOT_A_KEY,
      maxRetries: 0,
    });
    const error = await sdk.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('serves every API route with a valid key', async () => {
    const sent = await postJson(
      `${app.url}/server/send`,
      message('hi'),
      bearer(KEY_B),
    );
    expect(sent.status).toBe(202);
    const sdk = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: KEY_A });
    const completion = await sdk.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'with a key' }],
    });
    expect(completion.choices[0].message.content).toContain('with a key');
    await open('/server/events', bearer(KEY_A));
  });

  it.each(['/health/live', '/health/ready', '/metrics', '/docs-json', '/'])(
    'leaves %s public',
    async (path) => {
      expect((await fetch(`${app.url}${path}`)).status).toBe(200);
    },
  );

  it('opens /server/events with a stream token, and the reply arrives', async () => {
    const { token, expiresIn, expiresAt } = await tokenFor(KEY_A);
    expect(expiresIn).toBeGreaterThan(50);
    expect(expiresIn).toBeLessThanOrEqual(60);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(token).not.toContain(KEY_A);
    const events = await open(
      `/server/events?streamToken=${encodeURIComponent(token)}`,
    );
    const sent = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      message('over a token'),
      bearer(KEY_A),
    );
    const end = await events.waitForEnd(sent.body.messageId);
    expect(end.event).toBe('done');
  });

  it('limits a conversation-bound token to its conversation', async () => {
    const { token, conversationId } = await tokenFor(KEY_A, 'c_bound');
    expect(conversationId).toBe('c_bound');
    const query = `streamToken=${encodeURIComponent(token)}`;
    await open(`/server/events?conversationId=c_bound&${query}`);
    for (const path of [
      `/server/events?conversationId=c_other&${query}`,
      `/server/events?${query}`,
    ]) {
      const refused = await streamStatus(`${app.url}${path}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        code: 'stream_token_conversation_mismatch',
      });
    }
  });

  it('rejects expired, forged and foreign stream tokens', async () => {
    const secret = Buffer.from(SECRET);
    const keyA = ApiKeys.idOf(KEY_A);
    const past = new StreamTokenSigner(secret, 60, () => Date.now() - 120_000);
    const other = new StreamTokenSigner(Buffer.from('y'.repeat(40)), 60);
    const genuine = new StreamTokenSigner(secret, 60);
    const valid = (await tokenFor(KEY_A)).token;
    const [prefix, , signature] = valid.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ k: keyA, e: Math.floor(Date.now() / 1000) + 86_400 }),
    ).toString('base64url');
    const cases: [string, string, string][] = [
      [
        'expired',
        past.sign({ keyId: keyA, conversationId: 'default' }).token,
        'stream_token_expired',
      ],
      [
        'forged payload',
        `${prefix}.${forgedPayload}.${signature}`,
        'invalid_stream_token',
      ],
      [
        'signed with another secret',
        other.sign({ keyId: keyA, conversationId: 'default' }).token,
        'invalid_stream_token',
      ],
      [
        'for a key that is not configured',
        genuine.sign({
          keyId: ApiKeys.idOf(NOT_A_KEY),
          conversationId: 'default',
        }).token,
        'invalid_stream_token',
      ],
      ['garbage', 'not-a-token', 'invalid_stream_token'],
    ];
    for (const [what, token, code] of cases) {
      const refused = await streamStatus(
        `${app.url}/server/events?streamToken=${encodeURIComponent(token)}`,
      );
      expect({
        what,
        status: refused.status,
        code: refused.body?.code,
      }).toEqual({
        what,
        status: 401,
        code,
      });
    }
  });

  it('accepts stream tokens on the event stream only, and never the key in the URL', async () => {
    const { token } = await tokenFor(KEY_A);
    const sent = await postJson(
      `${app.url}/server/send?streamToken=${encodeURIComponent(token)}`,
      message('hi'),
    );
    expect(sent.status).toBe(401);
    const keyInUrl = await streamStatus(
      `${app.url}/server/events?streamToken=${encodeURIComponent(KEY_A)}`,
    );
    expect(keyInUrl.status).toBe(401);
  });

  it('caps concurrent streams per key (MAX_STREAMS_PER_KEY), not per address', async () => {
    await open('/server/events', bearer(KEY_A));
    await open('/server/events', bearer(KEY_A));
    const third = await streamStatus(`${app.url}/server/events`, bearer(KEY_A));
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'too_many_streams_per_client' });
    expect(String(third.body?.message)).toContain('MAX_STREAMS_PER_KEY');
    await open('/server/events', bearer(KEY_B));
  });

  it('never writes a key or a stream token to the logs', async () => {
    // Whole chats with both keys, a wrong key and tokens have run above; this
    // one stands alone too: a token, its stream, a reply, and the OpenAI route.
    const { token } = await tokenFor(KEY_A);
    const events = await open(
      `/server/events?streamToken=${encodeURIComponent(token)}`,
    );
    const sent = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      message('/mock-error upstream_auth'),
      bearer(KEY_A),
    );
    await events.waitForEnd(sent.body.messageId);
    await postJson(`${app.url}/server/send`, message('x'), bearer(NOT_A_KEY));
    const sdk = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: KEY_B });
    const stream = await sdk.chat.completions.create(
      {
        model: 'any',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      },
      { headers: { 'X-Request-Id': 'req-logs-check' } },
    );
    for await (const chunk of stream) void chunk;
    await eventually(
      () => app.output().includes('req-logs-check'),
      5_000,
      'the request log line',
    );
    const logs = app.output();
    expect(logs).toContain('streamToken=[REDACTED]');
    for (const secret of [KEY_A, KEY_B, NOT_A_KEY, SECRET, ...issued]) {
      expect(logs).not.toContain(secret);
    }
    for (const line of logs.trim().split('\n')) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});

describe('stream tokens across instances (e2e)', () => {
  it('are accepted by every instance configured with the same keys', async () => {
    const env = { API_KEYS: `${KEY_A},${KEY_B}` };
    const [first, second] = await Promise.all([startApp(env), startApp(env)]);
    try {
      const { body } = await postJson<StreamToken>(
        `${first.url}/server/stream-tokens`,
        {},
        bearer(KEY_B),
      );
      const opened = await streamStatus(
        `${second.url}/server/events?streamToken=${encodeURIComponent(body.token)}`,
      );
      expect(opened.status).toBe(200);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});

describe('open access (no API_KEYS) and CORS (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      HOST: '0.0.0.0',
      CORS_ORIGINS: 'http://allowed.example, http://also.example',
    });
    // "Listening on http://0.0.0.0:port": reach it over loopback.
    app.url = `http://127.0.0.1:${app.port}`;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('warns at start-up that the API is open on a non-loopback address', () => {
    expect(app.output()).toContain('API_KEYS is not set');
  });

  it('serves the API without a key, and issues tokens it does not require', async () => {
    expect(
      (await postJson(`${app.url}/server/send`, message('open'))).status,
    ).toBe(202);
    const token = await postJson<StreamToken>(
      `${app.url}/server/stream-tokens`,
      {},
    );
    expect(token.status).toBe(200);
    const opened = await streamStatus(
      `${app.url}/server/events?streamToken=${encodeURIComponent(token.body.token)}`,
    );
    expect(opened.status).toBe(200);
  });

  it('answers CORS for listed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/server/send`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('http://also.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      'http://also.example',
    );
    expect(
      allowed.headers.get('access-control-allow-headers')?.toLowerCase(),
    ).toContain('authorization');
    const refused = await preflight('http://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const sent = await postJson(`${app.url}/server/send`, message('x'), {
      Origin: 'http://evil.example',
    });
    expect(sent.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('no warning on loopback (e2e)', () => {
  it('does not warn about open access when bound to 127.0.0.1', async () => {
    const app = await startApp({});
    try {
      expect(app.output()).not.toContain('API_KEYS is not set');
    } finally {
      await app.stop();
    }
  });
});
