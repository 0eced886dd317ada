/**
 * Query parameters whose values are secrets. ERNIE's access token travels in
 * the query string, and a stream token may too: URLs are redacted before
 * they are logged or put in an error.
 */
const SECRET_PARAMS =
  /([?&](?:access_token|token|streamToken|stream_token|client_secret|client_id|api_key|apiKey|key)=)[^&#\s"]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[REDACTED]');
}

/** Header and field paths pino censors in every log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers.appid',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.apiKey',
  '*.token',
  '*.streamToken',
  '*.secretKey',
  '*.accessToken',
  '*.access_token',
  '*.password',
];
