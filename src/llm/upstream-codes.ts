/**
 * Upstream error codes a client may see in `details.upstreamCode`: those the
 * error mappers know (OpenAI's, Qianfan's, OAuth's) and the gateway's own
 * (`http_503`, `stream_ended_early`…). Any other string is the upstream's
 * own text, and an upstream that echoes its input could put a key there: it
 * is dropped (the mapper logs it at debug level, redacted). Numeric codes
 * (Baidu's) carry no text and pass.
 */
const KNOWN_CODES: ReadonlySet<string> = new Set([
  // OpenAI and OpenAI-compatible servers
  'invalid_api_key',
  'invalid_request_error',
  'invalid_value',
  'invalid_model',
  'model_not_found',
  'unsupported_parameter',
  'unsupported_value',
  'permission_denied',
  'content_filter',
  'context_length_exceeded',
  'characters_too_long',
  'tokens_too_long',
  'string_above_max_length',
  'insufficient_quota',
  'quota_exceeded',
  'rate_limit_exceeded',
  'rate_limit_error',
  'rpm_rate_limit_exceeded',
  'tpm_rate_limit_exceeded',
  'server_error',
  'server_overloaded',
  'service_unavailable',
  // OAuth (ERNIE's token service)
  'invalid_client',
  'invalid_grant',
  'invalid_request',
  'invalid_scope',
  'unauthorized_client',
  'unsupported_grant_type',
  // the gateway's own
  'stream_ended_early',
  'stream_error',
  'malformed_chunk',
  'connection_lost',
  'connection_error',
  'input_too_long',
  'mock',
]);

const HTTP_STATUS_CODE = /^http_[1-5]\d\d$/;

/** The code as it may be passed on, or undefined when it must not be. */
export function passedOnUpstreamCode(
  code: string | number | undefined,
): string | number | undefined {
  if (typeof code === 'number') {
    return Number.isSafeInteger(code) ? code : undefined;
  }
  if (code === undefined) return undefined;
  return KNOWN_CODES.has(code) || HTTP_STATUS_CODE.test(code)
    ? code
    : undefined;
}
