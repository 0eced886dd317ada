import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { startApp, type AppProcess } from '../support/app-process.js';
import { eventually, postJson, SseClient } from '../support/sse-client.js';

const KEY = 'limits-key-0123456789abcdef';

/** A TCP connection to the app, connected; `closed` resolves when the server closes it. */
async function openSocket(app: AppProcess) {
  const socket = connect(app.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close').then(() => received);
  await once(socket, 'connect');
  return { socket, closed };
}

describe('failed authentication is limited per address (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      API_KEYS: KEY,
      AUTH_FAILURE_LIMIT: '5',
      AUTH_FAILURE_WINDOW_MS: '60000',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers 429 with Retry-After after AUTH_FAILURE_LIMIT wrong keys, to every failing request but never to the right key', async () => {
    const attempt = (key: string) =>
      postJson(
        `${app.url}/server/stream-tokens`,
        {},
        { Authorization: `Bearer ${key}` },
      );
    // A missing key is not a guess: it does not count.
    for (let i = 0; i < 8; i++) {
      const bare = await fetch(`${app.url}/server/conversations/x`);
      expect(bare.status).toBe(401);
    }
    for (let i = 0; i < 5; i++) {
      expect((await attempt(`wrong-${i}-0123456789abcdef`)).status).toBe(401);
    }
    const limited = await attempt('wrong-again-0123456789abcdef');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'too_many_auth_failures' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Issue #24, finding 7: a valid key is served from a locked-out address.
    expect((await attempt(KEY)).status).toBe(200);
    // Once locked out, the address is refused whatever failing request it sends.
    const bare = await fetch(`${app.url}/server/conversations/x`);
    expect(bare.status).toBe(429);
  });
});

describe('the connection cap (e2e)', () => {
  let app: AppProcess;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Idle sockets must outlive the test: the default headers timeout.
    app = await startApp({
      MAX_CONNECTIONS: '20',
      // The global cap is under test, not the per-address one.
      MAX_CONNECTIONS_PER_IP: '20',
    });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app.stop();
  });

  it('closes connections beyond MAX_CONNECTIONS at once, and serves again once some close', async () => {
    const idle = await Promise.all(
      Array.from({ length: 20 }, () => openSocket(app)),
    );
    sockets.push(...idle.map((s) => s.socket));
    const extra = await openSocket(app);
    sockets.push(extra.socket);
    // Closed without a byte, long before any timeout could have done it.
    const started = Date.now();
    expect(await extra.closed).toBe('');
    expect(Date.now() - started).toBeLessThan(1000);
    for (const { socket } of idle.slice(0, 5)) socket.destroy();
    await Promise.all(idle.slice(0, 5).map((s) => s.closed));
    // The server learns of the closes a moment later.
    await eventually(
      () =>
        fetch(`${app.url}/health/live`).then(
          (answer) => answer.status === 200,
          () => false,
        ),
      10_000,
      'an answer once sockets were freed',
    );
  });
});

describe('connections (e2e)', () => {
  let app: AppProcess;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await startApp({
      HTTP_HEADERS_TIMEOUT_MS: '1500',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      SSE_HEARTBEAT_MS: '300',
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('drops a client that does not finish its headers within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const slow = await openSocket(app);
    sockets.push(slow.socket);
    const started = Date.now();
    slow.socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n');
    const answer = await slow.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const client = await openSocket(app);
    sockets.push(client.socket);
    client.socket.write(
      'GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n',
    );
    const started = Date.now();
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('keeps an event stream open well past every HTTP timeout', async () => {
    const stream = await SseClient.open(`${app.url}/server/events`);
    try {
      const started = Date.now();
      // Twelve heartbeats of 300 ms: more than twice the longest timeout.
      await stream.waitFor((c) => c.comments.length >= 12, 15_000, 'pings');
      expect(Date.now() - started).toBeGreaterThan(3_000);
      expect(stream.ended).toBe(false);
    } finally {
      await stream.close();
    }
  });
});
