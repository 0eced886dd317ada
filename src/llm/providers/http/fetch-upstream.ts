import { LlmError } from '../../llm-error.js';
import { createNodeHttpFetch } from './node-http-fetch.js';

/**
 * The same `node:http` fetch as the OpenAI-compatible providers' (see
 * node-http-fetch.ts for why not the global one), with one pool of kept-alive
 * connections for every ERNIE call of the process.
 */
const upstreamFetch = createNodeHttpFetch();

export interface FetchUpstreamOptions {
  /** The caller's signal: aborting it closes the request at any stage. */
  signal: AbortSignal;
  /** Longest wait for the response headers (LLM_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** Says what is being reached, for the error message ("the ERNIE chat API"). */
  what: string;
}

/**
 * `fetch` with a time limit on the response headers only: the body of a
 * streamed reply may legitimately take minutes, and its gaps are watched by
 * `LlmService`. Failures become `LlmError`s whose messages never contain the
 * URL, which may carry an access token in its query string.
 */
export async function fetchUpstream(
  url: string,
  init: RequestInit,
  options: FetchUpstreamOptions,
): Promise<Response> {
  const connect = new AbortController();
  const timer = setTimeout(
    () => connect.abort(new Error('connect timeout')),
    options.connectTimeoutMs,
  );
  try {
    return await upstreamFetch(url, {
      ...init,
      signal: AbortSignal.any([options.signal, connect.signal]),
    });
  } catch (error) {
    if (options.signal.aborted) throw LlmError.cancelled();
    if (connect.signal.aborted) {
      throw LlmError.timeout(
        `no answer from ${options.what} within ${options.connectTimeoutMs} ms`,
      );
    }
    throw new LlmError(
      'upstream_unavailable',
      `Could not reach ${options.what}.`,
      { retryable: true, cause: stripUrl(error) },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps only the network reason (ECONNREFUSED…), which is safe to keep. */
function stripUrl(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}

/** Appends a path to a base URL that may itself end in a path (a proxy prefix). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
