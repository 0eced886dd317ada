import { LlmError } from '../../llm-error.js';
import { retryAfterMs } from './retry-after.js';

/**
 * The error for an upstream HTTP status, when nothing more specific is known
 * (a proxy's HTML error page, a bare status). Only rate limits, server errors
 * and timeouts are worth trying again.
 */
export function httpStatusError(
  status: number,
  headers: Headers | undefined,
  what: string,
  upstreamCode: string | number = `http_${status}`,
): LlmError {
  const subject = upperFirst(what);
  if (status === 429) {
    return new LlmError(
      'upstream_rate_limited',
      `${subject} is receiving too many requests; please try again shortly.`,
      { retryable: true, upstreamCode, retryAfterMs: retryAfterMs(headers) },
    );
  }
  if (status === 408) {
    return new LlmError('upstream_timeout', `${subject} timed out.`, {
      retryable: true,
      upstreamCode,
    });
  }
  if (status >= 500) {
    return new LlmError(
      'upstream_unavailable',
      `${subject} is unavailable right now (HTTP ${status}).`,
      { retryable: true, upstreamCode, retryAfterMs: retryAfterMs(headers) },
    );
  }
  if (status === 401 || status === 403) {
    return new LlmError(
      'upstream_auth',
      `${subject} rejected the gateway's credentials; check its API key.`,
      { upstreamCode },
    );
  }
  if (status === 413) {
    return new LlmError(
      'upstream_input_too_long',
      'The conversation is too long for the model.',
      { upstreamCode },
    );
  }
  return new LlmError(
    'upstream_bad_request',
    `${subject} refused the request (HTTP ${status}).`,
    { upstreamCode },
  );
}

/** "the Qianfan API" → "The Qianfan API", to open a sentence. */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
