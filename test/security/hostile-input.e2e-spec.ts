import { once } from 'node:events';
import { connect } from 'node:net';
import { startApp, type AppProcess } from '../support/app-process.js';
import { rawRequest } from '../support/raw-request.js';

const KEY = 'hostile-input-key-0123456789abcdef';
const AUTH = {
  Authorization: `Bearer ${KEY}`,
  'Content-Type': 'application/json',
};

/** An object of `count` keys: `{"k0":0,"k1":1,…}`. */
const wide = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

/** An error answer must stay small whatever the input (finding 3: 36 MB). */
const SMALL_ERROR_BYTES = 8 * 1024;

/**
 * Writes a request head and the first bytes of a body announced much
 * longer, then waits for the answer without sending the rest: what a slow
 * client (or one that never means to finish) does.
 */
async function answerBeforeBody(
  app: AppProcess,
  head: string,
  timeoutMs: number,
): Promise<string> {
  const socket = connect(app.port, '127.0.0.1');
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: string) => (received += chunk));
  await once(socket, 'connect');
  socket.write(head + '{"messages":[');
  const deadline = Date.now() + timeoutMs;
  try {
    while (!received.includes('\r\n\r\n') && Date.now() < deadline) {
      await Promise.race([
        once(socket, 'data'),
        once(socket, 'close'),
        new Promise((resolve) => setTimeout(resolve, 250)),
      ]);
      if (socket.destroyed) break;
    }
    return received;
  } finally {
    socket.destroy();
  }
}

describe('hostile input (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      API_KEYS: KEY,
      // A slow body is not cut by a timeout during the test.
      HTTP_REQUEST_TIMEOUT_MS: '60000',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses an unauthenticated POST before reading its body (finding 1)', async () => {
    const answer = await answerBeforeBody(
      app,
      'POST /server/send HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n',
      10_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/www-authenticate: Bearer/i);
    expect(answer).toContain('"code":"missing_api_key"');
  });

  it('refuses a wrong key on /v1 before reading the body, in the OpenAI shape', async () => {
    const answer = await answerBeforeBody(
      app,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n' +
        'Authorization: Bearer wrong-key-0123456789abcdef\r\n' +
        'Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n',
      10_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":"invalid_api_key"');
    expect(answer).toContain('"type":"authentication_error"');
  });

  it('refuses a tool whose parameters hold 60 000 keys, naming the field (finding 2)', async () => {
    const body = JSON.stringify({
      model: 'mock-echo-1',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { type: 'function', function: { name: 'f', parameters: wide(60_000) } },
      ],
    });
    expect(body.length).toBeLessThan(1024 * 1024);
    const answer = await rawRequest(app.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: AUTH,
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(SMALL_ERROR_BYTES);
    const { error } = JSON.parse(answer.text) as {
      error: { param: string; message: string };
    };
    expect(error.param).toBe('tools.0.function.parameters');
    expect(error.message).toMatch(/tools\.0\.function\.parameters .*keys/);
  });

  it('refuses a response_format schema of 60 000 keys, naming the field (finding 2)', async () => {
    const answer = await rawRequest(app.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: AUTH,
      body: JSON.stringify({
        model: 'mock-echo-1',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 's',
            schema: { type: 'object', properties: wide(60_000) },
          },
        },
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(SMALL_ERROR_BYTES);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { param: 'response_format.json_schema.schema.properties' },
    });
  });

  it('answers 70 000 invalid messages with a small error listing a few problems (finding 3)', async () => {
    const body = JSON.stringify({
      messages: Array.from({ length: 70_000 }, () => ({ role: 'x' })),
    });
    const answer = await rawRequest(app.url, {
      method: 'POST',
      path: '/server/send',
      headers: AUTH,
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(SMALL_ERROR_BYTES);
    const error = JSON.parse(answer.text) as {
      code: string;
      details: { errors: { field: string }[] };
    };
    expect(error.code).toBe('validation_failed');
    expect(error.details.errors.length).toBeLessThanOrEqual(5);
    expect(error.details.errors[0].field).toBe('messages');
  });

  it('lists at most five problems of many, with their count (finding 3)', async () => {
    const answer = await rawRequest(app.url, {
      method: 'POST',
      path: '/server/send',
      headers: AUTH,
      body: JSON.stringify({
        messages: Array.from({ length: 100 }, () => ({ role: 'x' })),
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(SMALL_ERROR_BYTES);
    const error = JSON.parse(answer.text) as {
      details: { errors: unknown[]; errorCount: number };
    };
    expect(error.details.errors).toHaveLength(5);
    expect(error.details.errorCount).toBeGreaterThan(100);
  });

  it('answers an HTTP/1.1 request without Host with the JSON 400 (finding 9)', async () => {
    const socket = connect(app.port, '127.0.0.1');
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET /health/live HTTP/1.1\r\n\r\n');
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received).toMatch(/content-type: application\/json/i);
    expect(received).toContain('"code":"missing_host"');
  });
});
