import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { startApp, type AppProcess } from '../support/app-process.js';
import { eventually } from '../support/sse-client.js';

/**
 * A client that connects and never sends a byte, nor reads one: the
 * cheapest way to hold a connection (issue #24, finding 1). It does not
 * read, so it never sees the server's answer or end: only the server's
 * closing of its side frees the slot.
 */
async function silentSocket(app: AppProcess, from: string): Promise<Socket> {
  const socket = connect({
    port: app.port,
    host: '127.0.0.1',
    localAddress: from,
  });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** One GET from `from`; its status, or 0 when the server closed the socket unanswered. */
function statusFrom(app: AppProcess, from: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({
      port: app.port,
      host: '127.0.0.1',
      localAddress: from,
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)),
    );
    socket.on('connect', () =>
      socket.write(
        'GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      ),
    );
  });
}

describe('silent sockets (e2e)', () => {
  const sockets: Socket[] = [];
  let app: AppProcess | undefined;
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.stop();
    app = undefined;
  });

  it('frees the slot of a socket that sends and reads nothing within HTTP_HEADERS_TIMEOUT_MS', async () => {
    app = await startApp({
      MAX_CONNECTIONS: '20',
      // The per-address cap is not what this test is about.
      MAX_CONNECTIONS_PER_IP: '20',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
    });
    for (let i = 0; i < 20; i++)
      sockets.push(await silentSocket(app, '127.0.0.2'));
    // Every slot is held: another client is turned away.
    await eventually(
      async () => (await statusFrom(app!, '127.0.0.1')) === 0,
      10_000,
      'the cap to be reached',
    );
    // Once the headers timeout has passed, the silent sockets are gone and
    // the other client is served (before the fix: never, not even after 200 s).
    await eventually(
      async () => (await statusFrom(app!, '127.0.0.1')) === 200,
      10_000,
      'a slot freed by the headers timeout',
    );
  });

  it('caps connections per address: 20 silent sockets from one address do not lock out another', async () => {
    app = await startApp({
      MAX_CONNECTIONS: '20',
      MAX_CONNECTIONS_PER_IP: '5',
      // Long enough that no timeout frees a slot during the test.
      HTTP_HEADERS_TIMEOUT_MS: '60000',
      HTTP_REQUEST_TIMEOUT_MS: '60000',
    });
    for (let i = 0; i < 20; i++)
      sockets.push(await silentSocket(app, '127.0.0.2'));
    expect(await statusFrom(app, '127.0.0.1')).toBe(200);
    // The flooding address itself is held to its share.
    expect(await statusFrom(app, '127.0.0.2')).toBe(0);
  });
});
