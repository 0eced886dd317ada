import type { LlmErrorCode } from '../../src/llm/llm-error.js';
import type { FakeErnie } from '../fakes/fake-ernie.js';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import type { FakeBehaviour, FakeUpstream } from '../fakes/fake-upstream.js';

/** The reply of the fakes' default behaviour, and its first two chunks. */
export const REPLY = 'Hello from the fake model.';
export const PARTIAL = 'Hello from';

/**
 * How a reply must end under a fault: `done` (after `attempts` chat
 * requests, i.e. retries that worked) or exactly one `error` with `code` and
 * the partial text sent before the fault.
 */
export type Outcome =
  | { event: 'done'; attempts: number; text?: string }
  | { event: 'error'; code: LlmErrorCode; attempts: number; partial?: string };

export interface FaultCell<F extends FakeUpstream = FakeUpstream> {
  name: string;
  /** Scripts the fake before the message is sent. */
  arrange(fake: F): void;
  outcome: Outcome;
}

/** Attempts per reply in the matrix: LLM_MAX_RETRIES=1. */
export const ATTEMPTS = 2;
const HTML_PAGE = '<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
const TWO_MB_CHUNKS = Array.from(
  { length: 512 },
  (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(4092)}`,
);

const once = (behaviour: FakeBehaviour) => (fake: FakeUpstream) =>
  void fake.enqueue(behaviour);
const always = (behaviour: FakeBehaviour) => (fake: FakeUpstream) =>
  void fake.setDefault(behaviour);
const done = (attempts = 1, text?: string): Outcome => ({
  event: 'done',
  attempts,
  text,
});
const failed = (code: LlmErrorCode, attempts = 1, partial = ''): Outcome => ({
  event: 'error',
  code,
  attempts,
  partial,
});

/** Faults of the transport and the stream, the same for every provider. */
// prettier-ignore
export const TRANSPORT_CELLS: FaultCell[] = [
  { name: 'HTTP 500 with an HTML body, once', arrange: once({ type: 'http', status: 500, body: HTML_PAGE }), outcome: done(2) },
  { name: 'HTTP 502 with an HTML body, once', arrange: once({ type: 'http', status: 502, body: HTML_PAGE }), outcome: done(2) },
  { name: 'HTTP 503 with an HTML body, once', arrange: once({ type: 'http', status: 503, body: HTML_PAGE }), outcome: done(2) },
  { name: 'HTTP 503 with an HTML body, always', arrange: always({ type: 'http', status: 503, body: HTML_PAGE }), outcome: failed('upstream_unavailable', ATTEMPTS) },
  { name: 'connection reset before the headers, once', arrange: once({ type: 'cut', afterChunks: 0, beforeHeaders: true }), outcome: done(2) },
  { name: 'connection reset before the headers, always', arrange: always({ type: 'cut', afterChunks: 0, beforeHeaders: true }), outcome: failed('upstream_unavailable', ATTEMPTS) },
  { name: 'connection reset after the headers, before any token', arrange: once({ type: 'cut', afterChunks: 0 }), outcome: done(2) },
  { name: 'connection reset mid-stream', arrange: once({ type: 'cut', afterChunks: 2 }), outcome: failed('upstream_unavailable', 1, PARTIAL) },
  { name: 'clean end mid-stream without the end marker', arrange: once({ type: 'end-early', afterChunks: 2 }), outcome: failed('upstream_unavailable', 1, PARTIAL) },
  { name: 'malformed JSON as the first chunk', arrange: once({ type: 'malformed', afterChunks: 0 }), outcome: failed('upstream_protocol') },
  { name: 'malformed JSON chunk mid-stream', arrange: once({ type: 'malformed', afterChunks: 2 }), outcome: failed('upstream_protocol', 1, PARTIAL) },
  { name: 'stall before the headers, once', arrange: once({ type: 'stall', beforeHeaders: true }), outcome: done(2) },
  { name: 'stall before the first token, once', arrange: once({ type: 'stall', afterChunks: 0 }), outcome: done(2) },
  { name: 'stall before the first token, always', arrange: always({ type: 'stall', afterChunks: 0 }), outcome: failed('upstream_timeout', ATTEMPTS) },
  { name: 'stall mid-stream', arrange: once({ type: 'stall', afterChunks: 2 }), outcome: failed('upstream_timeout', 1, PARTIAL) },
  { name: 'a slow reply within the idle timeout', arrange: once({ type: 'reply', chunkDelayMs: 150 }), outcome: done() },
  { name: 'a 2 MB reply in 512 chunks', arrange: once({ type: 'reply', chunks: TWO_MB_CHUNKS }), outcome: done(1, TWO_MB_CHUNKS.join('')) },
];

const ernieError = (code: number) => ({
  type: 'error' as const,
  code,
  message: `fake ERNIE error ${code}`,
});

/** ERNIE's own error codes (HTTP 200 with `{error_code}`), and its token endpoint. */
// prettier-ignore
export const ERNIE_CELLS: FaultCell<FakeErnie>[] = [
  ...[2, 336100].map((code) => ({ name: `error ${code} (overloaded), once`, arrange: once(ernieError(code)), outcome: done(2) })),
  ...[18, 336501, 336502].map((code) => ({ name: `error ${code} (per-minute limit), once`, arrange: once(ernieError(code)), outcome: done(2) })),
  { name: 'error 336100 (overloaded), always', arrange: always(ernieError(336100)), outcome: failed('upstream_unavailable', ATTEMPTS) },
  ...[4, 17, 19].map((code) => ({ name: `error ${code} (quota used up)`, arrange: once(ernieError(code)), outcome: failed('upstream_rate_limited') })),
  ...[336003, 336006, 336007, 336008].map((code) => ({ name: `error ${code} (invalid argument)`, arrange: once(ernieError(code)), outcome: failed('upstream_bad_request') })),
  { name: 'error 336103 (input too long)', arrange: once(ernieError(336103)), outcome: failed('upstream_input_too_long') },
  { name: 'an unknown error code', arrange: once(ernieError(999_999)), outcome: failed('upstream_unavailable') },
  { name: 'an unknown code whose message says too long', arrange: once({ type: 'error', code: 336000, message: 'prompt tokens too long' }), outcome: failed('upstream_input_too_long') },
  { name: 'error 110 (token rejected) on every attempt, even after a refresh', arrange: always(ernieError(110)), outcome: failed('upstream_auth', 2) },
  { name: 'token endpoint: HTTP 500, once', arrange: (fake) => expireToken(fake, { type: 'http', status: 500, body: HTML_PAGE }), outcome: done(2) },
  { name: 'token endpoint: connection reset, once', arrange: (fake) => expireToken(fake, { type: 'cut', afterChunks: 0, beforeHeaders: true }), outcome: done(2) },
  { name: 'token endpoint: stall, once', arrange: (fake) => expireToken(fake, { type: 'stall', beforeHeaders: true }), outcome: done(2) },
  { name: 'token endpoint: garbage with HTTP 200', arrange: (fake) => expireToken(fake, { type: 'http', status: 200, contentType: 'application/json', body: '<html>not json' }), outcome: failed('upstream_protocol') },
  { name: 'token endpoint: down on every attempt', arrange: (fake) => expireToken(fake, { type: 'http', status: 503, body: HTML_PAGE }, { type: 'cut', afterChunks: 0, beforeHeaders: true }), outcome: failed('upstream_unavailable') },
];

/** The cached token is revoked (ERNIE answers 111), so the fault hits the refresh. */
function expireToken(fake: FakeErnie, ...faults: FakeBehaviour[]): void {
  fake.revokeTokens();
  fake.enqueueToken(...faults);
}

const openAiError = (status: number, code: string) => ({
  type: 'error' as const,
  status,
  code,
});

/** HTTP statuses and error codes of OpenAI-compatible upstreams (OpenAI, Qianfan v2). */
// prettier-ignore
export const OPENAI_CELLS: FaultCell<FakeOpenAi>[] = [
  { name: '429 rate_limit_exceeded, once', arrange: once(openAiError(429, 'rate_limit_exceeded')), outcome: done(2) },
  ...[500, 502, 503, 504].map((status) => ({ name: `${status} server_error (JSON), once`, arrange: once(openAiError(status, 'server_error')), outcome: done(2) })),
  { name: '408 request timeout, once', arrange: once(openAiError(408, 'timeout')), outcome: done(2) },
  { name: '429 rate_limit_exceeded, always', arrange: always(openAiError(429, 'rate_limit_exceeded')), outcome: failed('upstream_rate_limited', ATTEMPTS) },
  { name: '429 insufficient_quota', arrange: once(openAiError(429, 'insufficient_quota')), outcome: failed('upstream_rate_limited') },
  { name: '400 invalid_argument', arrange: once(openAiError(400, 'invalid_argument')), outcome: failed('upstream_bad_request') },
  ...['context_length_exceeded', 'characters_too_long', 'tokens_too_long'].map((code) => ({ name: `400 ${code}`, arrange: once(openAiError(400, code)), outcome: failed('upstream_input_too_long') })),
  { name: '400 invalid_model', arrange: once(openAiError(400, 'invalid_model')), outcome: failed('upstream_bad_request') },
  { name: '401 invalid_api_key', arrange: once(openAiError(401, 'invalid_api_key')), outcome: failed('upstream_auth') },
  { name: '403 permission_denied', arrange: once(openAiError(403, 'permission_denied')), outcome: failed('upstream_auth') },
  { name: '404 model_not_found', arrange: once(openAiError(404, 'model_not_found')), outcome: failed('upstream_bad_request') },
  { name: '413 request too large', arrange: once(openAiError(413, 'request_too_large')), outcome: failed('upstream_input_too_long') },
  { name: '422 unprocessable', arrange: once(openAiError(422, 'invalid_value')), outcome: failed('upstream_bad_request') },
  { name: 'an OpenAI error object with HTTP 200', arrange: once({ type: 'http', status: 200, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_argument', message: 'x', type: 'invalid_request_error' } }) }), outcome: failed('upstream_bad_request') },
  { name: "an ERNIE error object with HTTP 200 (Qianfan's v1 shape)", arrange: once({ type: 'http', status: 200, contentType: 'application/json', body: JSON.stringify({ error_code: 336003, error_msg: 'x' }) }), outcome: failed('upstream_bad_request') },
];
