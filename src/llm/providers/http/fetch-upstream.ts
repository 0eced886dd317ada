import {
  headersOf,
  requestUpstream,
  webBodyOf,
  type UpstreamRequest,
  type UpstreamRequestOptions,
} from './upstream-request.js';

export type FetchUpstreamOptions = Omit<UpstreamRequestOptions, 'agent'>;

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * `requestUpstream` answered as a WHATWG `Response`, for the ERNIE calls,
 * whose readers take one: the same pools, connect timeout and secret-free
 * errors as the OpenAI-compatible providers'. Cancelling the body closes the
 * connection.
 */
export async function fetchUpstream(
  url: string,
  init: UpstreamRequest,
  options: FetchUpstreamOptions,
): Promise<Response> {
  const response = await requestUpstream(url, init, options);
  const empty = NULL_BODY_STATUSES.has(response.statusCode);
  if (empty) response.body.resume();
  return new Response(empty ? null : webBodyOf(response), {
    status: response.statusCode,
    headers: headersOf(response),
  });
}

/** Appends a path to a base URL that may itself end in a path (a proxy prefix). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
