import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a fake upstream does with one chat request. Queue them with
 * `enqueue()`; when the queue is empty the fake uses its default (a normal
 * reply). `chunks` are the text deltas; the faults that happen "after N
 * chunks" send the first N of them first.
 */
export type FakeBehaviour =
  /** A normal streamed reply, optionally slow. */
  | { type: 'reply'; chunks?: string[]; chunkDelayMs?: number }
  /**
   * The protocol's own error answer. ERNIE: `{error_code, error_msg}` as JSON
   * with HTTP 200 (or `status`). OpenAI/Qianfan: HTTP `status` (default 400)
   * with `{error: {code, message, type}}`.
   */
  | {
      type: 'error';
      code: number | string;
      message?: string;
      status?: number;
      errorType?: string;
      headers?: Record<string, string>;
    }
  /** A raw HTTP answer, e.g. a proxy's 502 HTML page. */
  | {
      type: 'http';
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  /** Stops sending (headers sent, or not if `beforeHeaders`) until the client leaves. */
  | {
      type: 'stall';
      afterChunks?: number;
      beforeHeaders?: boolean;
      chunks?: string[];
    }
  /**
   * Destroys the connection after some chunks (no clean end), or before
   * sending any header when `beforeHeaders` (a connection reset).
   */
  | {
      type: 'cut';
      afterChunks: number;
      beforeHeaders?: boolean;
      chunks?: string[];
    }
  /** Ends the response cleanly after some chunks, without the end marker. */
  | { type: 'end-early'; afterChunks: number; chunks?: string[] }
  /** Sends an event whose data is not JSON after some chunks, then ends. */
  | { type: 'malformed'; afterChunks: number; chunks?: string[] }
  /** A reply that calls one function, in the protocol's own framing. */
  | { type: 'tool_call'; name: string; arguments: string; id?: string };

export const DEFAULT_CHUNKS = ['Hello', ' from', ' the', ' fake', ' model.'];

/** One request as the fake received it, and how the exchange ended. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: any;
  /** When the request arrived (epoch ms), to measure retry delays. */
  receivedAt: number;
  /** The behaviour applied (chat requests only). */
  behaviour?: FakeBehaviour;
  /** The client closed the connection before the fake finished its answer. */
  closedEarly: boolean;
  /** The exchange is over: answered, cut by the fake, or closed by the client. */
  settled: boolean;
}

/** How a protocol frames a streamed reply; implemented by each fake. */
export interface StreamFraming {
  contentType: string;
  /** The frame carrying delta `index` (0-based) of `total` deltas. */
  chunk(text: string, index: number, total: number): string;
  /** Frames after the last delta (ERNIE's `is_end`, OpenAI's `[DONE]`…). */
  end(deltas: string[]): string[];
  /** A frame whose data is not JSON. */
  malformed: string;
}

/**
 * A small `node:http` server on a free loopback port that plays an LLM
 * upstream, with scripted faults and a record of every request. Subclasses
 * route requests and speak their protocol; this class runs the behaviours.
 */
export abstract class FakeUpstream {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url = '';
  private server?: Server;
  private readonly queue: FakeBehaviour[] = [];
  private fallback: FakeBehaviour = { type: 'reply' };
  private readonly changes = new EventEmitter().setMaxListeners(0);

  protected abstract route(
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void>;

  /** Behaviours for the next chat requests, in order. */
  enqueue(...behaviours: FakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** The behaviour used when the queue is empty (initially a normal reply). */
  setDefault(behaviour: FakeBehaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /** Forgets the queue, the default and the recorded requests (between tests). */
  reset(): void {
    this.queue.length = 0;
    this.fallback = { type: 'reply' };
    this.requests.length = 0;
  }

  /** Resolves once `predicate` holds, re-checked on every request and close. */
  async waitFor(
    predicate: () => boolean,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (!predicate()) {
      try {
        await once(this.changes, 'change', { signal: deadline });
      } catch {
        throw new Error(`fake upstream: timed out waiting for ${what}`);
      }
    }
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
    this.server = undefined;
  }

  protected async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.receive(req, res);
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  protected nextBehaviour(): FakeBehaviour {
    return this.queue.shift() ?? this.fallback;
  }

  protected sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Runs one behaviour for a streamed reply in the given framing. */
  protected async play(
    request: RecordedRequest,
    res: ServerResponse,
    behaviour: FakeBehaviour,
    framing: StreamFraming,
  ): Promise<void> {
    if (behaviour.type === 'http') {
      res.writeHead(behaviour.status, {
        'Content-Type': behaviour.contentType ?? 'text/html',
        ...behaviour.headers,
      });
      res.end(behaviour.body ?? '<html><body>502 Bad Gateway</body></html>');
      return;
    }
    if (behaviour.type === 'error' || behaviour.type === 'tool_call') {
      throw new Error(`${behaviour.type} is answered by the protocol fake`);
    }
    if (behaviour.type === 'cut' && behaviour.beforeHeaders) {
      request.settled = true;
      res.destroy();
      return;
    }
    if (behaviour.type === 'stall' && behaviour.beforeHeaders) {
      await this.untilClientLeaves(res);
      return;
    }
    const deltas = behaviour.chunks ?? DEFAULT_CHUNKS;
    const count =
      behaviour.type === 'reply'
        ? deltas.length
        : Math.min(behaviour.afterChunks ?? 0, deltas.length);
    res.writeHead(200, {
      'Content-Type': framing.contentType,
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    const delay =
      behaviour.type === 'reply' ? (behaviour.chunkDelayMs ?? 0) : 0;
    for (let i = 0; i < count; i++) {
      if (delay > 0) await sleep(delay);
      if (request.closedEarly) return;
      res.write(framing.chunk(deltas[i], i, deltas.length));
    }
    switch (behaviour.type) {
      case 'reply':
        for (const frame of framing.end(deltas)) res.write(frame);
        res.end();
        return;
      case 'stall':
        await this.untilClientLeaves(res);
        return;
      case 'cut':
        // Let the chunks leave before the connection is destroyed.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        request.settled = true;
        res.destroy();
        return;
      case 'end-early':
        res.end();
        return;
      case 'malformed':
        res.end(framing.malformed);
        return;
    }
  }

  private async untilClientLeaves(res: ServerResponse): Promise<void> {
    if (!res.destroyed) await once(res, 'close');
  }

  private async receive(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const raw = Buffer.concat(parts).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Kept as text: a test may check what was sent.
    }
    const request: RecordedRequest = {
      receivedAt,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      closedEarly: false,
      settled: false,
    };
    res.on('close', () => {
      if (!res.writableFinished && !request.settled) request.closedEarly = true;
      request.settled = true;
      this.changes.emit('change');
    });
    this.requests.push(request);
    this.changes.emit('change');
    try {
      await this.route(request, res);
    } catch (error) {
      if (!res.headersSent) this.sendJson(res, 500, { error: String(error) });
      else res.destroy();
    }
  }
}
