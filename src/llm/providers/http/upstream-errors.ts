import { Logger } from '@nestjs/common';
import { redactSecrets } from '../../../common/logging/redact.js';
import { LlmError } from '../../llm-error.js';
import { httpStatusError, upperFirst } from './http-status-error.js';
import { retryAfterMs } from './retry-after.js';

/**
 * What an upstream said went wrong, in any of the dialects the providers
 * meet: OpenAI's `{error: {code, message, type}}`, Baidu's
 * `{error_code, error_msg}` (ERNIE v1, and Qianfan v2 in places) and OAuth's
 * `{error, error_description}` (ERNIE's token service). Its code and message
 * are the upstream's own text: they choose our error, and reach a log line
 * only at debug level, redacted; never a client.
 */
export interface UpstreamFault {
  /** Absent for an error object inside a stream that had started. */
  status?: number;
  headers?: Headers;
  code?: string | number;
  type?: string;
  message?: string;
}

/** Baidu's codes by which ERNIE says the access token is invalid or expired. */
export const TOKEN_REJECTED_CODES: ReadonlySet<number> = new Set([110, 111]);

const BAIDU_OVERLOADED = new Set([2, 336100]);
const BAIDU_RATE_LIMITED = new Set([18, 336501, 336502]);
const BAIDU_QUOTA_EXHAUSTED = new Set([4, 17, 19]);
const BAIDU_BAD_ARGUMENT = new Set([336003, 336006, 336007, 336008]);
const BAIDU_INPUT_TOO_LONG = new Set([336103]);
const TOO_LONG_MESSAGE = /too long|过长|超过.*长度|长度.*超过/i;

/** OpenAI and Qianfan v2 codes meaning the input is over the model's limit. */
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

const logger = new Logger('UpstreamErrors');

/** The fault a parsed body describes, in whichever dialect, or undefined. */
export function faultIn(body: unknown): UpstreamFault | undefined {
  if (!isObject(body)) return undefined;
  const baiduCode =
    typeof body.error_code === 'string'
      ? Number(body.error_code)
      : body.error_code;
  if (typeof baiduCode === 'number' && Number.isInteger(baiduCode)) {
    return { code: baiduCode, message: text(body.error_msg) };
  }
  if (isObject(body.error)) {
    const { code, message, type } = body.error;
    return {
      code: typeof code === 'number' ? code : text(code),
      message: text(message),
      type: text(type),
    };
  }
  if (typeof body.error === 'string' && body.error) {
    return { code: body.error, message: text(body.error_description) };
  }
  return undefined;
}

/**
 * The gateway's error for an upstream fault: by Baidu's numeric code, then
 * OpenAI's string code, then the HTTP status; `what` names the upstream
 * ("the Qianfan API"). The upstream's own code is kept as `upstreamCode`
 * (LlmError passes on only the codes it knows); its message goes to the
 * debug log, redacted.
 */
export function mapUpstreamFault(fault: UpstreamFault, what: string): LlmError {
  logger.debug(
    `${upperFirst(what)} answered ${fault.status === undefined ? 'in its stream' : `HTTP ${fault.status}`}: ${redactSecrets(
      `code ${String(fault.code ?? '-')}, type ${fault.type ?? '-'}: ${fault.message ?? ''}`,
    ).slice(0, 500)}`,
  );
  if (typeof fault.code === 'number') {
    return fromBaiduCode(fault.code, fault.message);
  }
  return fromOpenAiCode(fault, what);
}

function fromBaiduCode(upstreamCode: number, message = ''): LlmError {
  if (TOKEN_REJECTED_CODES.has(upstreamCode)) {
    return new LlmError(
      'upstream_auth',
      'ERNIE rejected the access token, even a freshly issued one; check the API key and secret key.',
      { upstreamCode },
    );
  }
  if (BAIDU_OVERLOADED.has(upstreamCode)) {
    return new LlmError(
      'upstream_unavailable',
      'ERNIE is overloaded or failed internally; please try again.',
      { upstreamCode, retryable: true },
    );
  }
  if (BAIDU_RATE_LIMITED.has(upstreamCode)) {
    return new LlmError(
      'upstream_rate_limited',
      'ERNIE is receiving too many requests; please try again shortly.',
      { upstreamCode, retryable: true },
    );
  }
  if (BAIDU_QUOTA_EXHAUSTED.has(upstreamCode)) {
    return new LlmError(
      'upstream_rate_limited',
      "The ERNIE account's request quota is used up; try again later.",
      { upstreamCode },
    );
  }
  if (
    BAIDU_INPUT_TOO_LONG.has(upstreamCode) ||
    TOO_LONG_MESSAGE.test(message)
  ) {
    return inputTooLong(upstreamCode);
  }
  if (BAIDU_BAD_ARGUMENT.has(upstreamCode)) {
    return new LlmError(
      'upstream_bad_request',
      'ERNIE refused the request as invalid.',
      { upstreamCode },
    );
  }
  return new LlmError(
    'upstream_unavailable',
    `ERNIE answered with error ${upstreamCode}.`,
    { upstreamCode },
  );
}

function fromOpenAiCode(fault: UpstreamFault, what: string): LlmError {
  const { status, headers, type } = fault;
  const code = fault.code as string | undefined;
  if (code && INPUT_TOO_LONG_CODES.has(code)) return inputTooLong(code);
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
        retryAfterMs: retryAfterMs(headers),
      },
    );
  }
  if (status !== undefined) {
    return httpStatusError(status, headers, what, code ?? `http_${status}`);
  }
  // An error object inside a stream that started fine: no status to go by.
  return type === 'invalid_request_error'
    ? new LlmError(
        'upstream_bad_request',
        `${upperFirst(what)} refused the request.`,
        { upstreamCode: code ?? 'invalid_request_error' },
      )
    : new LlmError(
        'upstream_unavailable',
        `${upperFirst(what)} failed while answering.`,
        { retryable: true, upstreamCode: code ?? 'stream_error' },
      );
}

function inputTooLong(upstreamCode: string | number): LlmError {
  return new LlmError(
    'upstream_input_too_long',
    'The conversation is too long for the model; start a new one or send a shorter message.',
    { upstreamCode },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
