import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientErrorsAsJson } from './json-client-errors.js';

/** Sends raw bytes and resolves with everything the server answered before closing. */
async function exchange(server: Server, bytes: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
  socket.write(bytes);
  await once(socket, 'close');
  return answer;
}

describe('answerClientErrorsAsJson', () => {
  let server: Server;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    answerClientErrorsAsJson(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => {
    server.close();
  });

  it('answers headers over the limit with a 431 JSON error naming them', async () => {
    const answer = await exchange(
      server,
      `GET /?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      code: string;
      details: { errors: { field: string }[] };
    };
    expect(body.code).toBe('headers_too_large');
    expect(body.details.errors[0].field).toBe('headers');
  });

  it('answers a request that is not HTTP with a 400 JSON error, echoing nothing', async () => {
    const answer = await exchange(server, 'HELLO <script>\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"malformed_request"');
    expect(answer).not.toContain('<script>');
  });

  it('closes its side of a socket whose client neither reads nor closes', async () => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    // Not read: the client never sees the answer nor the end.
    socket.write('HELLO\r\n\r\n');
    const deadline = Date.now() + 5_000;
    let open = 1;
    while (open > 0 && Date.now() < deadline) {
      open = await new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) =>
          error ? reject(error) : resolve(count),
        ),
      );
      if (open > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.destroy();
    expect(open).toBe(0);
  });
});
