import type { LlmError } from '../../llm-error.js';
import { faultIn, mapUpstreamFault } from './upstream-errors.js';
import type { UpstreamResponse } from './upstream-request.js';

/** Bound on a body read whole (an error, a non-streamed reply, a token). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The response's headers as WHATWG `Headers`, for error mapping (Retry-After). */
export function headersOf(response: UpstreamResponse): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) {
      for (const item of value) headers.append(name, item);
    } else if (value !== undefined) {
      headers.append(name, value);
    }
  }
  return headers;
}

export function isSuccess(response: UpstreamResponse): boolean {
  return response.statusCode >= 200 && response.statusCode < 300;
}

export function contentTypeOf(response: UpstreamResponse): string {
  return String(response.headers['content-type'] ?? '').toLowerCase();
}

/**
 * The body as text, at most `maxBytes` of it: a longer body is cut there and
 * its connection closed. undici's `body.text()` has no limit, and an
 * upstream (or a proxy in front of it) may answer with anything, so the
 * body is read through its async iterator instead.
 */
export async function readBodyText(
  response: UpstreamResponse,
  maxBytes = MAX_BODY_BYTES,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of response.body as AsyncIterable<Buffer>) {
    parts.push(part);
    size += part.length;
    // Leaving the loop destroys the body, and so closes the connection.
    if (size >= maxBytes) break;
  }
  return Buffer.concat(parts).subarray(0, maxBytes).toString('utf8');
}

/** The body parsed as JSON (at most `maxBytes` read); undefined when it is not JSON. */
export async function readBodyJson(
  response: UpstreamResponse,
  maxBytes = MAX_BODY_BYTES,
): Promise<unknown> {
  return parseJson(await readBodyText(response, maxBytes));
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The error for an answer an upstream gave instead of a reply: its status
 * and, when the body says more in a dialect it knows, the body's code. The
 * one place every provider turns a refusal into an `LlmError`.
 */
export async function upstreamErrorOf(
  response: UpstreamResponse,
  what: string,
): Promise<LlmError> {
  const body = await readBodyJson(response).catch(() => undefined);
  return upstreamErrorFrom(response, body, what);
}

/** `upstreamErrorOf` for a body already read. */
export function upstreamErrorFrom(
  response: UpstreamResponse,
  body: unknown,
  what: string,
): LlmError {
  return mapUpstreamFault(
    {
      ...faultIn(body),
      // An error body with a 2xx status is judged by its code alone, as an
      // error inside a stream is.
      status: isSuccess(response) ? undefined : response.statusCode,
      headers: headersOf(response),
    },
    what,
  );
}
