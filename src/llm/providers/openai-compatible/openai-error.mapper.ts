import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { LlmError } from '../../llm-error.js';
import { httpStatusError, upperFirst } from '../http/http-status-error.js';
import { retryAfterMs } from '../http/retry-after.js';

/** Error codes meaning the input is over the model's limit (OpenAI and Qianfan v2). */
const INPUT_TOO_LONG_CODES = new Set([
  'characters_too_long',
  'tokens_too_long',
  'context_length_exceeded',
  'string_above_max_length',
]);
/** 429s that waiting a few seconds will not cure. */
const QUOTA_CODES = new Set(['insufficient_quota', 'quota_exceeded']);
const RATE_LIMIT_CODES = new Set([
  'rate_limit_exceeded',
  'rate_limit_error',
  'rpm_rate_limit_exceeded',
  'tpm_rate_limit_exceeded',
]);

/**
 * Maps what the `openai` SDK throws (or what an upstream sent in place of a
 * stream) to the gateway's stable errors, by HTTP status and error code.
 * Upstream messages are not passed on: some echo part of the API key.
 */
export function mapOpenAiError(error: unknown, what: string): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof APIUserAbortError) return LlmError.cancelled();
  if (error instanceof APIConnectionTimeoutError) {
    return LlmError.timeout(`no answer from ${what}`);
  }
  if (error instanceof APIConnectionError) {
    return new LlmError('upstream_unavailable', `Could not reach ${what}.`, {
      retryable: true,
      upstreamCode: 'connection_error',
    });
  }
  if (error instanceof APIError) return fromApiError(error, what);
  if (error instanceof SyntaxError) {
    return new LlmError(
      'upstream_protocol',
      `${upperFirst(what)} sent a malformed stream chunk; the reply could not be read.`,
      { upstreamCode: 'malformed_chunk' },
    );
  }
  return new LlmError(
    'upstream_unavailable',
    `The connection to ${what} was lost before the reply was complete.`,
    { retryable: true, upstreamCode: 'connection_lost' },
  );
}

function fromApiError(error: APIError, what: string): LlmError {
  const code =
    typeof error.code === 'string' || typeof error.code === 'number'
      ? String(error.code)
      : undefined;
  const status = error.status;
  if (code && INPUT_TOO_LONG_CODES.has(code)) {
    return new LlmError(
      'upstream_input_too_long',
      'The conversation is too long for the model; start a new one or send a shorter message.',
      { upstreamCode: code },
    );
  }
  if (
    status === 429 ||
    (status === undefined && RATE_LIMIT_CODES.has(code ?? ''))
  ) {
    const exhausted = QUOTA_CODES.has(code ?? '');
    return new LlmError(
      'upstream_rate_limited',
      exhausted
        ? `The quota of ${what} is used up; try again later.`
        : `${upperFirst(what)} is receiving too many requests; please try again shortly.`,
      {
        retryable: !exhausted,
        upstreamCode: code ?? 'http_429',
        retryAfterMs: retryAfterMs(error.headers),
      },
    );
  }
  if (status === undefined) {
    // An error object inside a stream that started fine: no status to go by.
    return error.type === 'invalid_request_error'
      ? new LlmError(
          'upstream_bad_request',
          `${upperFirst(what)} refused the request.`,
          {
            upstreamCode: code ?? 'invalid_request_error',
          },
        )
      : new LlmError(
          'upstream_unavailable',
          `${upperFirst(what)} failed while answering.`,
          { retryable: true, upstreamCode: code ?? 'stream_error' },
        );
  }
  return httpStatusError(status, error.headers, what, code ?? `http_${status}`);
}
