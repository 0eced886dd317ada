import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import {
  Agent as HttpsAgent,
  request as httpsRequest,
  type AgentOptions as HttpsAgentOptions,
} from 'node:https';

/** The `fetch` signature the `openai` SDK accepts as its `fetch` option. */
export type UpstreamFetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/**
 * How long an idle kept-alive connection is kept: undici's default. Servers
 * close idle connections after their own delay (nginx 75 s, Node 5 s); a
 * request written on a connection the server is closing fails, so idle
 * connections are dropped well before that, or at the server's
 * `Keep-Alive: timeout` hint, which the agent honours when it is shorter.
 */
const IDLE_SOCKET_MS = 4_000;

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A `fetch` for upstream calls built on `node:http`/`node:https` with a
 * keep-alive agent, for the `openai` SDK's `fetch` option.
 *
 * Why not the global `fetch`: in Node 20 it is undici behind WHATWG streams
 * and a wasm HTTP parser, and with ~100 streamed replies starting per second
 * and ~4 000 chunks per second it was the largest cost of reading the
 * upstream. Measured with 200 concurrent streams against the bench's fake
 * upstream, in paired runs on a shared 2-core machine, the provider's CPU per
 * upstream chunk fell by about a third: ~107-128 µs to ~68-90 µs (the floor,
 * bare `http.request` plus `eventsource-parser`, ~31-50 µs). The
 * response is still a WHATWG `Response`, so the SDK reads it as before: its
 * body is a plain `ReadableStream` fed from the `IncomingMessage`, with
 * backpressure.
 *
 * What it keeps of `fetch`: a rejected promise with a `TypeError('fetch
 * failed', {cause})` when the upstream cannot be reached, an `AbortError`
 * when the signal aborts before the headers, the body erroring with that
 * `AbortError` when it aborts later, and the connection closed in both cases
 * and when the body is cancelled. What it leaves out, unneeded for a JSON API:
 * redirects (answered as they come), proxies, cookies, CORS, request bodies
 * other than strings and bytes, and content decoding (no `Accept-Encoding` is
 * sent, so the upstream sends identity). `tls.ca` replaces the trusted
 * certificate authorities for https upstreams (by default Node's, with
 * `NODE_EXTRA_CA_CERTS`).
 */
export function createNodeHttpFetch(
  tls: Pick<HttpsAgentOptions, 'ca'> = {},
): UpstreamFetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new HttpsAgent({
      ...tls,
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
    }),
  };
  return (input, init = {}) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError());
    try {
      if (typeof input !== 'string' && !(input instanceof URL)) {
        throw new TypeError('only a URL is accepted, not a Request');
      }
      const url = typeof input === 'string' ? new URL(input) : input;
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TypeError(`unsupported protocol ${url.protocol}`);
      }
      const body = bodyOf(init.body);
      const headers = outgoingHeaders(init.headers);
      if (body !== undefined && headers['content-length'] === undefined) {
        headers['content-length'] = Buffer.byteLength(body);
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[url.protocol],
      });
      return new Promise((resolve, reject) => {
        let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          if (stream) stream.error(error);
          else reject(error);
        };
        const onAbort = () => {
          fail(abortError());
          request.destroy();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        request.on('error', (error) =>
          fail(
            stream ? error : new TypeError('fetch failed', { cause: error }),
          ),
        );
        request.on('response', (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          const finish = () => {
            settled = true;
            signal?.removeEventListener('abort', onAbort);
          };
          let body: ReadableStream<Uint8Array> | null = null;
          if (NULL_BODY_STATUSES.has(status)) {
            response.resume();
            finish();
          } else {
            body = new ReadableStream<Uint8Array>({
              start: (controller) => {
                stream = controller;
              },
              pull: () => {
                response.resume();
              },
              cancel: () => {
                finish();
                request.destroy();
              },
            });
            response.on('data', (chunk: Buffer) => {
              if (settled) return;
              stream!.enqueue(chunk);
              if ((stream!.desiredSize ?? 0) <= 0) response.pause();
            });
            response.on('end', () => {
              if (settled) return;
              finish();
              stream!.close();
            });
            response.on('error', fail);
            response.on('close', () => {
              if (!response.complete) {
                fail(new TypeError('terminated', { cause: 'socket closed' }));
              }
            });
          }
          try {
            resolve(
              new Response(body, {
                status,
                statusText: safeStatusText(response.statusMessage),
                headers: responseHeaders(response.rawHeaders),
              }),
            );
          } catch (error) {
            fail(new TypeError('fetch failed', { cause: error }));
            request.destroy();
          }
        });
        request.end(body);
      });
    } catch (error) {
      return Promise.reject(
        error instanceof TypeError
          ? error
          : new TypeError('fetch failed', { cause: error }),
      );
    }
  };
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  throw new TypeError('unsupported request body type');
}

function outgoingHeaders(init: RequestInit['headers']): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const source = init instanceof Headers ? init : new Headers(init);
  source.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2)
    headers.append(raw[i], raw[i + 1]);
  return headers;
}

/** A reason phrase the Response constructor accepts, or none. */
function safeStatusText(text: string | undefined): string {
  return text && /^[\t\x20-\x7e\x80-\xff]*$/.test(text) ? text : '';
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}
