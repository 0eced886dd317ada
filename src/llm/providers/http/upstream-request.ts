import type { SecureContextOptions } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { LlmError } from '../../llm-error.js';

/**
 * How long an idle kept-alive connection is kept: undici's default. Servers
 * close idle connections after their own delay (nginx 75 s, Node 5 s); a
 * request written on a connection the server is closing fails, so idle
 * connections are dropped well before that, or at the server's
 * `Keep-Alive: timeout` hint, which undici honours when it is shorter.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * The connection pools of upstream calls: undici's `Agent`, one `Pool` of
 * kept-alive connections per origin. Its own timeouts are off: the wait for
 * the headers is the caller's connect timeout, and the gaps of a streamed
 * body are watched by `LlmService`. It follows no redirect (answered as they
 * come), uses no proxy and decodes no content (no `Accept-Encoding` is sent,
 * so the upstream sends identity). `tls.ca` replaces the trusted certificate
 * authorities for https upstreams (by default Node's, with
 * `NODE_EXTRA_CA_CERTS`).
 */
export function createUpstreamAgent(
  tls: Pick<SecureContextOptions, 'ca'> = {},
): Agent {
  return new Agent({
    keepAliveTimeout: IDLE_SOCKET_MS,
    headersTimeout: 0,
    bodyTimeout: 0,
    ...(tls.ca ? { connect: { ca: tls.ca } } : {}),
  });
}

/** One pool per origin for every upstream call of the process. */
const sharedAgent = createUpstreamAgent();

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface UpstreamRequestOptions {
  /** The caller's signal: aborting it closes the request at any stage, body included. */
  signal: AbortSignal;
  /** Longest wait for the response headers (LLM_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** Says what is being reached, for the error message ("the ERNIE chat API"). */
  what: string;
  /** The pools to use; the process's shared one by default. */
  agent?: Dispatcher;
}

/** Status, headers and the body as a Node stream (undici's `request`). */
export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * One upstream call through undici's `request`, with a time limit on the
 * response headers only: the body of a streamed reply may legitimately take
 * minutes. Failures before the headers become `LlmError`s whose messages
 * never contain the URL, which may carry an access token in its query
 * string; a failure of the body later errors the body stream.
 *
 * Why not `fetch`: in Node 20 it is undici behind WHATWG streams, and with
 * ~100 streamed replies starting per second and ~4 000 chunks per second the
 * WHATWG layers would be the largest cost of reading the upstream
 * (bench/analysis.md).
 */
export async function requestUpstream(
  url: string,
  init: UpstreamRequest,
  options: UpstreamRequestOptions,
): Promise<UpstreamResponse> {
  const { signal } = options;
  if (signal.aborted) throw LlmError.cancelled();
  const target = new URL(url);
  // One controller for the whole call: the caller's abort and the connect
  // timeout both end up here, and undici destroys the body when it aborts.
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('connect timeout'));
  }, options.connectTimeoutMs);
  try {
    const response = await (options.agent ?? sharedAgent).request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: controller.signal,
    });
    response.body.once('close', () =>
      signal.removeEventListener('abort', forward),
    );
    return response;
  } catch (error) {
    signal.removeEventListener('abort', forward);
    if (signal.aborted) throw LlmError.cancelled();
    if (timedOut) {
      throw LlmError.timeout(
        `no answer from ${options.what} within ${options.connectTimeoutMs} ms`,
      );
    }
    throw new LlmError(
      'upstream_unavailable',
      `Could not reach ${options.what}.`,
      { retryable: true, cause: networkReason(error) },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Appends a path to a base URL that may itself end in a path (a proxy prefix). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Keeps only the network reason (ECONNREFUSED…), which is safe to keep. */
function networkReason(error: unknown): string {
  const { code, cause } = (error ?? {}) as {
    code?: unknown;
    cause?: { code?: unknown };
  };
  if (typeof cause?.code === 'string') return cause.code;
  return typeof code === 'string' ? code : 'network error';
}
