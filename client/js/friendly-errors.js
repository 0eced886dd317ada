// @ts-check
/**
 * What a person reads when something fails: a sentence about what happened
 * and what to do, keyed by the API's stable error codes. Unknown codes fall
 * back to the server's own message, which is written for people too.
 */
const FRIENDLY = {
  upstream_rate_limited: 'The model is rate limited, try again in a moment.',
  upstream_unavailable:
    'The model is unavailable right now, try again in a moment.',
  upstream_timeout: 'The model took too long to answer. Try again.',
  upstream_auth:
    'The server could not sign in to the model provider. Its credentials need checking.',
  upstream_input_too_long:
    'This conversation is too long for the model. Start a new chat.',
  upstream_bad_request: 'The model refused this request.',
  upstream_protocol:
    'The model sent an answer the server could not read. Try again.',
  internal_error: 'Something went wrong on the server. Try again.',
  generation_lost:
    'The server writing this reply stopped before finishing it. Send your message again.',
  generation_in_progress:
    'A reply is already being written in this conversation. Wait for it or stop it.',
  network_error:
    'Cannot reach the server. Check your connection or the API address in Settings.',
  payload_too_large: 'This message is too long to send.',
  interrupted: 'The reply was interrupted before it was finished.',
  shutting_down: 'The server is restarting, try again in a moment.',
  bus_unavailable:
    'The server lost live delivery for a moment; reconnecting where we left off.',
  missing_api_key: 'This server needs an API key: enter it in Settings.',
  invalid_api_key:
    'The server did not accept the API key: check it in Settings.',
};

export function friendlyError(code, message) {
  return FRIENDLY[code] ?? (message || 'Something went wrong. Try again.');
}
