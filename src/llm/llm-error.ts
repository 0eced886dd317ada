import { AppError } from '../common/errors/app-error.js';
import { passedOnUpstreamCode } from './upstream-codes.js';

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
  // Refusals of the caller's API key (KEYS_FILE), before the upstream is called.
  'model_not_allowed',
  'insufficient_quota',
  'rate_limited',
  'key_revoked',
] as const;
export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

/** HTTP status of the key's refusals where a route answers with one; the rest are 502. */
const REFUSAL_STATUS: Partial<Record<LlmErrorCode, number>> = {
  model_not_allowed: 403,
  insufficient_quota: 429,
  rate_limited: 429,
  key_revoked: 401,
};

export interface LlmErrorOptions {
  /** Safe to try again before any token reached the client. */
  retryable?: boolean;
  /**
   * The upstream's own error code (e.g. ERNIE 336003), passed on in
   * `details` when it is a number or a code the gateway knows.
   */
  upstreamCode?: string | number;
  /** A delay the upstream asked for (Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
  /** More context for the client (a budget's reset time); never a secret. */
  details?: Record<string, unknown>;
}

/**
 * A failed generation. The message is the gateway's own, written for the
 * person chatting: never an upstream's text, a key, a token or an upstream
 * URL (the mappers in `providers/http/upstream-errors.ts` choose it from the
 * upstream's status and code). The upstream's code is kept only when it is
 * a number or a code the gateway knows (`upstream-codes.ts`): an upstream
 * that echoes its input (credentials included) reaches no event and no log
 * line through an error. `ModelRouter` also passes each error through the
 * configured-secret redactor before it leaves the LLM layer.
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
    const upstreamCode = passedOnUpstreamCode(options.upstreamCode);
    super(
      code,
      message,
      REFUSAL_STATUS[code] ?? 502,
      upstreamCode === undefined && options.details === undefined
        ? undefined
        : {
            ...options.details,
            ...(upstreamCode === undefined ? {} : { upstreamCode }),
          },
    );
    this.retryable = options.retryable ?? false;
    this.upstreamCode = upstreamCode;
    this.retryAfterMs = options.retryAfterMs;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        enumerable: false,
      });
    }
  }

  /**
   * This error with `redact` applied to its message (this one when nothing
   * changes); code, retry advice and upstream code are kept.
   */
  redactedWith(redact: (text: string) => string): LlmError {
    const message = redact(this.message);
    if (message === this.message) return this;
    return new LlmError(this.code, message, {
      retryable: this.retryable,
      upstreamCode: this.upstreamCode,
      retryAfterMs: this.retryAfterMs,
      cause: this.cause,
    });
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
