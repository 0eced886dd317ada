// @ts-check
/** A stream token is replaced this long before it expires (at most a quarter of its lifetime). */
const RENEW_MARGIN_MS = 30_000;

/**
 * Where one conversation's event stream opens, with what lets it in.
 *
 * Without an API key this is the plain `/server/events` URL: nothing else is
 * requested. With one, `EventSource` cannot send it (no headers) and a key in
 * a URL would end up in logs and history, so each URL carries a short-lived
 * stream token bound to this conversation, fetched with the key. The server
 * checks a token only when a stream opens: an open stream outlives it, but
 * the browser's own reconnection reuses the URL, token included. So a token
 * is kept for the next connection while it has time left, replaced shortly
 * before it expires, and dropped as soon as the server refused a stream.
 */
export class StreamEndpoint {
  // Wall-clock time, which also counts a computer's sleep (a monotonic clock may not).
  constructor(api, conversationId, now = Date.now) {
    this.api = api;
    this.conversationId = conversationId;
    this.now = now;
    this.token = undefined;
  }

  /** The URL for the next connection, resuming after `lastEventId`. */
  async url(lastEventId) {
    if (!this.api.hasKey) {
      return this.api.eventsUrl(this.conversationId, lastEventId);
    }
    if (!this.token || this.expiring()) this.token = await this.fetchToken();
    return this.api.eventsUrl(
      this.conversationId,
      lastEventId,
      this.token.value,
    );
  }

  /** True when a reconnection with the current URL would present a token about to expire. */
  expiring() {
    return this.token !== undefined && this.now() >= this.token.renewAt;
  }

  /** Why the server refused `url` (an `ApiError`), or nothing worth acting on. */
  async explainRefusal(url) {
    const token = this.token;
    this.token = undefined;
    // A token past its time explains the refusal: no need to ask.
    if (token && this.now() >= token.expiresAt) return undefined;
    return this.api.streamRefusal(url);
  }

  async fetchToken() {
    const requestedAt = this.now();
    const { token, expiresIn } = await this.api.createStreamToken(
      this.conversationId,
    );
    // Counted on this page's clock from the request, not from `expiresAt`:
    // the two machines' clocks need not agree. The expiry is a whole second
    // of the server's, up to one second sooner than `expiresIn` says.
    const lifetimeMs = Math.max(0, Number(expiresIn) - 1) * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    return {
      value: token,
      expiresAt,
      renewAt: expiresAt - Math.min(RENEW_MARGIN_MS, lifetimeMs / 4),
    };
  }
}
