import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHttpFetch } from './node-http-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose handler each test sets, counting connections. */
class TestServer {
  handler: Handler = (_req, res) => res.end();
  connections = 0;
  requests = 0;
  /** A response was closed (by the client) before it was finished. */
  closedEarly = false;
  url = '';

  constructor(private readonly server: Server) {
    server.on('connection', () => this.connections++);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.requests++;
      res.on('close', () => {
        if (!res.writableFinished) this.closedEarly = true;
      });
      this.handler(req, res);
    });
  }

  async listen(scheme: 'http' | 'https'): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as AddressInfo;
    this.url = `${scheme}://127.0.0.1:${port}`;
    return this;
  }

  reset(): void {
    this.handler = (_req, res) => res.end();
    this.connections = 0;
    this.requests = 0;
    this.closedEarly = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

async function readText(body: ReadableStream<Uint8Array> | null) {
  return body ? await new Response(body).text() : '';
}

describe('createNodeHttpFetch', () => {
  let server: TestServer;
  const fetch = createNodeHttpFetch();

  beforeAll(async () => {
    server = await new TestServer(createHttpServer()).listen('http');
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it('sends method, headers and body, and answers with status and headers', async () => {
    let received: { method?: string; headers?: object; body?: string } = {};
    server.handler = (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        received = {
          method: req.method,
          headers: req.headers,
          body: Buffer.concat(parts).toString(),
        };
        res.writeHead(201, 'Made', {
          'Content-Type': 'application/json',
          'Set-Cookie': ['a=1', 'b=2'],
        });
        res.end('{"ok":true}');
      });
    };
    const response = await fetch(`${server.url}/v1/x?q=1`, {
      method: 'POST',
      headers: new Headers({ Authorization: 'Bearer k', 'X-Two': 'é' }),
      body: '{"text":"héllo"}',
    });
    expect(received).toEqual({
      method: 'POST',
      headers: expect.objectContaining({
        authorization: 'Bearer k',
        'content-length': String(Buffer.byteLength('{"text":"héllo"}')),
      }),
      body: '{"text":"héllo"}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('hands each part of the body over as it arrives', async () => {
    let sendMore = () => {};
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: one\n\n');
      sendMore = () => res.end('data: two\n\n');
    };
    const response = await fetch(server.url);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('data: one\n\n');
    sendMore();
    let rest = '';
    for (
      let part = await reader.read();
      !part.done;
      part = await reader.read()
    ) {
      rest += decoder.decode(part.value);
    }
    expect(rest).toBe('data: two\n\n');
  });

  it('keeps the connection alive from one request to the next', async () => {
    server.handler = (_req, res) => res.end('x');
    const fresh = createNodeHttpFetch();
    for (let i = 0; i < 3; i++) {
      expect(await (await fresh(server.url)).text()).toBe('x');
    }
    expect(server.connections).toBe(1);
  });

  it('gives no body for a 204', async () => {
    server.handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const response = await fetch(server.url, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects with an AbortError and closes the request when aborted before the headers', async () => {
    server.handler = () => undefined;
    const controller = new AbortController();
    const pending = fetch(server.url, { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(
      fetch(server.url, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toBe(0);
  });

  it('errors the body with an AbortError and closes the request when aborted mid-body', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part');
    };
    const controller = new AbortController();
    const response = await fetch(server.url, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('closes the request when the body is cancelled', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part');
    };
    const response = await fetch(server.url);
    await response.body!.cancel();
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('errors the body, not as an abort, when the connection is cut mid-body', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part', () => res.destroy());
    };
    const response = await fetch(server.url);
    const error = await readText(response.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with a TypeError carrying the network cause when nothing listens', async () => {
    const error = await fetch('http://127.0.0.1:9/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
  });

  it('refuses what it does not implement rather than sending something else', async () => {
    await expect(fetch('ftp://127.0.0.1/')).rejects.toBeInstanceOf(TypeError);
    await expect(
      fetch(new Request(server.url, { method: 'POST', body: 'x' })),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(
      fetch(server.url, { method: 'POST', body: new URLSearchParams('a=1') }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

describe('createNodeHttpFetch over https', () => {
  let dir: string;
  let server: TestServer;
  let ca: string;

  beforeAll(async () => {
    // A throwaway self-signed certificate for 127.0.0.1.
    dir = mkdtempSync(join(tmpdir(), 'node-http-fetch-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = await new TestServer(
      createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }),
    ).listen('https');
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks TLS to a server it trusts, keeping the connection alive', async () => {
    server.handler = (_req, res) => res.end('secure');
    const fetch = createNodeHttpFetch({ ca });
    expect(await (await fetch(server.url)).text()).toBe('secure');
    expect(await (await fetch(server.url)).text()).toBe('secure');
    expect(server.connections).toBe(1);
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const error = await createNodeHttpFetch()(server.url).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ message: 'fetch failed' });
  });
});
