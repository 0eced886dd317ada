/** Credential names, compared lower-case with `-` and `_` removed. */
const CREDENTIAL_NAMES = new Set([
  'key',
  'auth',
  'authorization',
  'authorisation',
  'sig',
  'pwd',
  'clientid',
  'session',
]);
/** …and any name ending like one: `access_token`, `x-api-key`, `client_secret`. */
const CREDENTIAL_ENDING =
  /(?:token|secret|password|passwd|apikey|signature|credentials?)$/;

/**
 * Whether a query parameter's value is a credential, by its name:
 * `api_key`, `API-Key`, `token`, `access_token`, `auth`, `password`…
 * (`tokenizer` is not).
 */
export function isCredentialParameter(name: string): boolean {
  let normalised = name;
  try {
    normalised = decodeURIComponent(name);
  } catch {
    // A malformed escape: judge the name as written.
  }
  normalised = normalised.toLowerCase().replace(/[-_]/g, '');
  return CREDENTIAL_NAMES.has(normalised) || CREDENTIAL_ENDING.test(normalised);
}

const QUERY_PARAMETER = /([?&])([^&=#\s"]+)=([^&#\s"]*)/g;

/**
 * A URL (or text holding URLs) with the values of credential parameters
 * removed. ERNIE's access token travels in the query string, a stream token
 * may too, and a client may put its key there: URLs are redacted before
 * they are logged or put in an error.
 */
export function redactUrl(url: string): string {
  return url.replace(
    QUERY_PARAMETER,
    (whole, separator: string, name: string) =>
      isCredentialParameter(name) ? `${separator}${name}=[REDACTED]` : whole,
  );
}

/**
 * Runs of 16+ characters that mix letters and digits (API keys, tokens,
 * secrets, signatures), and what follows `Bearer`, `key=` and the like.
 * Ordinary words, error codes and short numbers stay readable: after a bare
 * `key` or `secret` (no `:` or `=`), a plain word is left alone, so that
 * "check the API key and secret key." reads as written.
 */
const SECRET_LIKE = /[A-Za-z0-9+/_.~-]{16,}={0,2}/g;
const SECRET_AFTER =
  /\b(bearer|basic|token|key|secret|password|signature)(\s*[:=]\s*|\s+)([^\s,;"'&]+)/gi;
const PLAIN_WORD = /^[A-Za-z]+[.!?)]?$/;
const hasLetterAndDigit = (text: string) =>
  /[A-Za-z]/.test(text) && /\d/.test(text);

/**
 * Text from outside (an upstream's error) with anything that looks like a
 * secret removed; for the debug log only. The configured secrets themselves
 * are removed everywhere by `SecretRedactor`.
 */
export function redactSecrets(text: string): string {
  return redactUrl(text)
    .replace(
      SECRET_AFTER,
      (whole, word: string, separator: string, value: string) =>
        /[:=]/.test(separator) ||
        /^(bearer|basic)$/i.test(word) ||
        !PLAIN_WORD.test(value)
          ? `${word}${separator}[REDACTED]`
          : whole,
    )
    .replace(SECRET_LIKE, (run) =>
      hasLetterAndDigit(run) ? '[REDACTED]' : run,
    );
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
