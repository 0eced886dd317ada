import type { Request } from 'express';
import { AppError, type ErrorBody } from '../common/errors/app-error.js';
import type { ErrorRenderer } from '../common/filters/app-exception.filter.js';
import { LlmError, type LlmErrorCode } from '../llm/llm-error.js';

/** OpenAI's error body, which the official SDKs turn into typed errors. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    code: string | null;
    param: string | null;
  };
}

/**
 * HTTP status of a failed model call on the `/v1` routes. Bad input the
 * upstream refused is the client's to fix (400, not retried by SDKs); our
 * upstream credentials, a broken upstream or a timeout are ours (502/503/504,
 * which SDKs retry with backoff).
 */
const LLM_STATUS: Record<LlmErrorCode, number> = {
  upstream_auth: 502,
  upstream_rate_limited: 503,
  upstream_bad_request: 400,
  upstream_input_too_long: 400,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_protocol: 502,
  cancelled: 503,
  internal_error: 500,
  model_not_allowed: 403,
  insufficient_quota: 429,
  rate_limited: 429,
  key_revoked: 401,
};

/** Codes OpenAI clients already know, where ours has an equivalent. */
const OPENAI_CODES: Record<string, string> = {
  upstream_input_too_long: 'context_length_exceeded',
  invalid_api_key: 'invalid_api_key',
  rate_limited: 'rate_limit_exceeded',
};

/** Any failure of a completion as an `AppError` with the status of the `/v1` route family. */
export function completionError(error: unknown): AppError {
  if (error instanceof LlmError) {
    const details: Record<string, unknown> = { ...error.details };
    if (error.retryAfterMs !== undefined) {
      details.retryAfterSeconds = Math.max(
        1,
        Math.ceil(error.retryAfterMs / 1000),
      );
    }
    return new AppError(
      error.code,
      error.message,
      LLM_STATUS[error.code],
      Object.keys(details).length > 0 ? details : undefined,
    );
  }
  if (error instanceof AppError) return error;
  return new AppError(
    'internal_error',
    'Something went wrong on the server.',
    500,
  );
}

function typeOf(status: number, code: string): string {
  // OpenAI's own type for a spent quota, which its SDKs and clients check.
  if (code === 'insufficient_quota') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The first offending field of a validation error, as OpenAI's `param`. */
function paramOf(body: ErrorBody): string | null {
  const errors = body.details?.errors;
  if (!Array.isArray(errors)) return null;
  const field = (errors[0] as { field?: unknown } | undefined)?.field;
  return typeof field === 'string' ? field : null;
}

export function toOpenAiError(body: ErrorBody): OpenAiErrorBody {
  return {
    error: {
      message: body.message,
      type: typeOf(body.statusCode, body.code),
      code: OPENAI_CODES[body.code] ?? body.code,
      param: paramOf(body),
    },
  };
}

/** Errors of every `/v1` request, including those no route handler saw (bad JSON, 404). */
export const openAiErrorRenderer: ErrorRenderer = {
  matches: (request: Request) =>
    request.path === '/v1' || request.path.startsWith('/v1/'),
  render: toOpenAiError,
};
