import { redactUrl } from '../../../common/logging/redact.js';
import { LlmError } from '../../llm-error.js';

/** Error codes by which ERNIE says the access token is invalid or expired. */
export const TOKEN_REJECTED_CODES: ReadonlySet<number> = new Set([110, 111]);

const OVERLOADED = new Set([2, 336100]);
const RATE_LIMITED_RETRYABLE = new Set([18, 336501, 336502]);
const QUOTA_EXHAUSTED = new Set([4, 17, 19]);
const BAD_ARGUMENT = new Set([336003, 336006, 336007, 336008]);
const INPUT_TOO_LONG = new Set([336103]);
const TOO_LONG_MESSAGE = /too long|过长|超过.*长度|长度.*超过/i;

/**
 * Maps an ERNIE `{error_code, error_msg}` to the gateway's stable error, per
 * the table in ernie-protocol.md. Only overload and per-minute limits are
 * retried: the daily and total quotas will not recover in seconds, and an
 * invalid argument is our bug or the user's input.
 */
export function mapErnieError(code: number, upstreamMessage = ''): LlmError {
  const upstreamCode = code;
  if (TOKEN_REJECTED_CODES.has(code)) {
    return new LlmError(
      'upstream_auth',
      'ERNIE rejected the access token, even a freshly issued one; check the API key and secret key.',
      { upstreamCode },
    );
  }
  if (OVERLOADED.has(code)) {
    return new LlmError(
      'upstream_unavailable',
      'ERNIE is overloaded or failed internally; please try again.',
      { upstreamCode, retryable: true },
    );
  }
  if (RATE_LIMITED_RETRYABLE.has(code)) {
    return new LlmError(
      'upstream_rate_limited',
      'ERNIE is receiving too many requests; please try again shortly.',
      { upstreamCode, retryable: true },
    );
  }
  if (QUOTA_EXHAUSTED.has(code)) {
    return new LlmError(
      'upstream_rate_limited',
      "The ERNIE account's request quota is used up; try again later.",
      { upstreamCode },
    );
  }
  if (INPUT_TOO_LONG.has(code) || TOO_LONG_MESSAGE.test(upstreamMessage)) {
    return new LlmError(
      'upstream_input_too_long',
      'The conversation is too long for the model; start a new one or send a shorter message.',
      { upstreamCode },
    );
  }
  if (BAD_ARGUMENT.has(code)) {
    return new LlmError(
      'upstream_bad_request',
      'ERNIE refused the request as invalid.',
      { upstreamCode },
    );
  }
  const said = safeUpstreamMessage(upstreamMessage);
  return new LlmError(
    'upstream_unavailable',
    `ERNIE answered with error ${code}${said ? `: ${said}` : ''}.`,
    { upstreamCode },
  );
}

/** Upstream text shown to a client: short, one line, no URL secrets. */
function safeUpstreamMessage(text: string): string {
  const line = redactUrl(text.replace(/\s+/g, ' ').trim());
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
