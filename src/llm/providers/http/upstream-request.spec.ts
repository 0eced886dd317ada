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
import { LlmError } from '../../llm-error.js';
import { createUpstreamAgent, requestUpstream } from './upstream-request.js';
import {
  headersOf,
  readBodyText,
  upstreamErrorOf,
} from './upstream-response.js';

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

const what = 'the test upstream';
const options = (signal = new AbortController().signal) => ({
  signal,
  connectTimeoutMs: 2_000,
  what,
});

describe('requestUpstream', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await new TestServer(createHttpServer()).listen('http');
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it('sends method, headers and body, and answers with status, headers and body', async () => {
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
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    };
    const response = await requestUpstream(
      `${server.url}/v1/x?q=1`,
      {
        method: 'POST',
        headers: { Authorization: 'Bearer k' },
        body: '{"text":"héllo"}',
      },
      options(),
    );
    expect(received).toEqual({
      method: 'POST',
      headers: expect.objectContaining({
        authorization: 'Bearer k',
        'content-length': String(Buffer.byteLength('{"text":"héllo"}')),
      }),
      body: '{"text":"héllo"}',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(await response.body.json()).toEqual({ ok: true });
  });

  it('hands each part of the body over as it arrives', async () => {
    let sendMore = () => {};
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: one\n\n');
      sendMore = () => res.end('data: two\n\n');
    };
    const response = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(),
    );
    const parts: string[] = [];
    for await (const part of response.body) {
      parts.push(String(part));
      if (parts.length === 1) sendMore();
    }
    expect(parts).toEqual(['data: one\n\n', 'data: two\n\n']);
  });

  it('keeps the connection alive from one request to the next', async () => {
    server.handler = (_req, res) => res.end('x');
    const agent = createUpstreamAgent();
    for (let i = 0; i < 3; i++) {
      const response = await requestUpstream(
        server.url,
        { method: 'GET', headers: {} },
        { ...options(), agent },
      );
      expect(await response.body.text()).toBe('x');
      // The pool takes the connection back a moment after the body ends.
      await vi.waitFor(() =>
        expect(agent.stats[server.url]).toMatchObject({ free: 1 }),
      );
    }
    expect(server.connections).toBe(1);
    await agent.close();
  });

  it('does not follow a redirect', async () => {
    server.handler = (_req, res) => {
      res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    };
    const response = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(),
    );
    expect(response.statusCode).toBe(302);
    await response.body.dump();
    expect(server.requests).toBe(1);
  });

  it('rejects as cancelled and closes the request when aborted before the headers', async () => {
    server.handler = () => undefined;
    const controller = new AbortController();
    const pending = requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(controller.signal),
    );
    await vi.waitFor(() => expect(server.requests).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(
      requestUpstream(
        server.url,
        { method: 'GET', headers: {} },
        options(AbortSignal.abort()),
      ),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(server.requests).toBe(0);
  });

  it('times out when the headers do not come within the connect timeout', async () => {
    server.handler = () => undefined;
    const error = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      { ...options(), connectTimeoutMs: 50 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'upstream_timeout' });
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('errors the body and closes the request when aborted mid-body', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part');
    };
    const controller = new AbortController();
    const response = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(controller.signal),
    );
    const read = (async () => {
      for await (const part of response.body) {
        if (String(part) === 'part') controller.abort();
      }
    })();
    await expect(read).rejects.toBeInstanceOf(Error);
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('closes the request when the reader stops early', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part');
    };
    const response = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(),
    );
    for await (const part of response.body) {
      expect(String(part)).toBe('part');
      break;
    }
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('errors the body when the connection is cut mid-body', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('part', () => res.destroy());
    };
    const response = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(),
    );
    await expect(response.body.text()).rejects.toBeInstanceOf(Error);
  });

  it('fails as upstream_unavailable with only the network reason when nothing listens', async () => {
    const error = await requestUpstream(
      'http://127.0.0.1:9/?access_token=secret',
      { method: 'GET', headers: {} },
      options(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      cause: 'ECONNREFUSED',
    });
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});

describe('the upstream-response reader', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await new TestServer(createHttpServer()).listen('http');
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  const post = () =>
    requestUpstream(server.url, { method: 'POST', headers: {} }, options());

  it('gives the headers as WHATWG Headers, repeated ones included', async () => {
    server.handler = (_req, res) => {
      res.writeHead(503, { 'Retry-After': '2', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end('down');
    };
    const response = await post();
    const headers = headersOf(response);
    expect(headers.get('retry-after')).toBe('2');
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await readBodyText(response)).toBe('down');
  });

  it('reads at most the cap, then closes the connection', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(4096));
    };
    const response = await post();
    expect(await readBodyText(response, 1000)).toBe('x'.repeat(1000));
    await vi.waitFor(() => expect(server.closedEarly).toBe(true));
  });

  it('maps a refusal by the code in its body, and by its status without one', async () => {
    server.handler = (_req, res) => {
      res.writeHead(429, {
        'Content-Type': 'application/json',
        'retry-after-ms': '1500',
      });
      res.end(JSON.stringify({ error: { code: 'insufficient_quota' } }));
    };
    expect(await upstreamErrorOf(await post(), what)).toMatchObject({
      code: 'upstream_rate_limited',
      retryable: false,
      retryAfterMs: 1500,
      details: { upstreamCode: 'insufficient_quota' },
    });
    server.handler = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
    };
    expect(await upstreamErrorOf(await post(), what)).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      details: { upstreamCode: 'http_502' },
    });
  });
});

describe('requestUpstream over https', () => {
  let dir: string;
  let server: TestServer;
  let ca: string;

  beforeAll(async () => {
    // A throwaway self-signed certificate for 127.0.0.1.
    dir = mkdtempSync(join(tmpdir(), 'upstream-request-'));
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
    const agent = createUpstreamAgent({ ca });
    for (let i = 0; i < 2; i++) {
      const response = await requestUpstream(
        server.url,
        { method: 'GET', headers: {} },
        { ...options(), agent },
      );
      expect(await response.body.text()).toBe('secure');
      // The pool takes the connection back a moment after the body ends.
      await vi.waitFor(() =>
        expect(agent.stats[server.url]).toMatchObject({ free: 1 }),
      );
    }
    expect(server.connections).toBe(1);
    await agent.close();
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const error = await requestUpstream(
      server.url,
      { method: 'GET', headers: {} },
      options(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'upstream_unavailable' });
  });
});
