import { AppError } from '../common/errors/app-error.js';

/** Stable codes of generation failures, as clients see them in `error` events. */
export const LLM_ERROR_CODES = [
  'upstream_auth',
  'upstream_rate_limited',
  'upstream_bad_request',
  'upstream_input_too_long',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_protocol',
  'cancelled',
  'internal_error',
] as const;
export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

export interface LlmErrorOptions {
  /** Safe to try again before any token reached the client. */
  retryable?: boolean;
  /** The upstream's own error code (e.g. ERNIE 336003), passed on in `details`. */
  upstreamCode?: string | number;
  /** A delay the upstream asked for (Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A failed generation. The message is written for the person chatting and
 * must never contain a key, a token or an upstream URL.
 */
export class LlmError extends AppError {
  declare readonly code: LlmErrorCode;
  readonly retryable: boolean;
  readonly upstreamCode?: string | number;
  readonly retryAfterMs?: number;

  constructor(
    code: LlmErrorCode,
    message: string,
    options: LlmErrorOptions = {},
  ) {
    super(
      code,
      message,
      502,
      options.upstreamCode === undefined
        ? undefined
        : { upstreamCode: options.upstreamCode },
    );
    this.retryable = options.retryable ?? false;
    this.upstreamCode = options.upstreamCode;
    this.retryAfterMs = options.retryAfterMs;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        enumerable: false,
      });
    }
  }

  static cancelled(): LlmError {
    return new LlmError('cancelled', 'The generation was cancelled.');
  }

  static timeout(what: string): LlmError {
    return new LlmError(
      'upstream_timeout',
      `The model did not answer in time (${what}).`,
      {
        retryable: true,
      },
    );
  }
}
