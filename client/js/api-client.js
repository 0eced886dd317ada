// @ts-check
/** The API refused the credentials themselves: retrying with the same key cannot help. */
const AUTHENTICATION_CODES = new Set(['missing_api_key', 'invalid_api_key']);

/** An error answered by the API (`{statusCode, code, message, details?}`) or a failed request. */
export class ApiError extends Error {
  constructor(status, code, message, details, retryAfterMs) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    /** From `Retry-After` (429, 503), when the server said how long to wait. */
    this.retryAfterMs = retryAfterMs;
  }

  static async from(response) {
    const payload = await response.json().catch(() => undefined);
    const retryAfter = Number(response.headers.get('Retry-After'));
    return new ApiError(
      response.status,
      payload?.code ?? `http_${response.status}`,
      typeof payload?.message === 'string'
        ? payload.message
        : `The server answered ${response.status} ${response.statusText}.`,
      payload?.details,
      retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

export const isAuthenticationError = (error) =>
  error instanceof ApiError &&
  error.status === 401 &&
  AUTHENTICATION_CODES.has(error.code);

/**
 * The chat API's HTTP routes. Every failure becomes an `ApiError` with a
 * readable message. With an API key, every request carries it in the
 * `Authorization` header, and nowhere else: event streams, which cannot send
 * headers, get short-lived stream tokens instead (see stream-endpoint.js).
 * A refused key is also reported to `onUnauthorized`, wherever it happened.
 */
export class ApiClient {
  /**
   * @param {string} base
   * @param {object} [options]
   * @param {string} [options.apiKey]
   * @param {(error: ApiError) => void} [options.onUnauthorized]
   */
  constructor(base, { apiKey, onUnauthorized } = {}) {
    this.base = base;
    this.apiKey = apiKey || undefined;
    this.onUnauthorized = onUnauthorized;
  }

  get hasKey() {
    return this.apiKey !== undefined;
  }

  /** Starts a reply; resolves with `{conversationId, messageId}` once the server accepted it. */
  send(conversationId, messages, model) {
    return this.request('POST', '/server/send', {
      conversationId,
      messages,
      ...(model ? { model } : {}),
    });
  }

  /** `{models: [{id, providers, deployments, fallbacks, default}]}`: what `model` may name. */
  listModels() {
    return this.request('GET', '/server/models');
  }

  /** The key's usage this month, its budget and what is left (`GET /v1/usage`). */
  usage() {
    return this.request('GET', '/v1/usage');
  }

  /** The stored conversation, or `null` when the server does not know it. */
  async getConversation(id) {
    try {
      return await this.request(
        'GET',
        `/server/conversations/${encodeURIComponent(id)}`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Resolves `false` when the server did not know the conversation (nothing left to delete). */
  async deleteConversation(id) {
    try {
      await this.request(
        'DELETE',
        `/server/conversations/${encodeURIComponent(id)}`,
      );
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }

  cancel(conversationId, messageId) {
    return this.request(
      'POST',
      `/server/conversations/${encodeURIComponent(conversationId)}/cancel`,
      messageId ? { messageId } : {},
    );
  }

  /** `{token, expiresAt, expiresIn}`: opens this conversation's stream only, for a few minutes. */
  createStreamToken(conversationId) {
    return this.request('POST', '/server/stream-tokens', { conversationId });
  }

  eventsUrl(conversationId, lastEventId, streamToken) {
    const query = new URLSearchParams({ conversationId });
    if (streamToken) query.set('streamToken', streamToken);
    if (lastEventId) query.set('lastEventId', lastEventId);
    return `${this.base}/server/events?${query}`;
  }

  /**
   * Why the server refused an event stream: `EventSource` only says that it
   * failed, so the same URL is requested again, exactly as the browser did
   * (no `Authorization` header: it would override the stream token), to read
   * the answer. Resolves an `ApiError`, or nothing when the stream would now
   * open (its body is not read) or the server cannot be reached.
   */
  async streamRefusal(url) {
    const abort = new AbortController();
    let response;
    try {
      response = await fetch(url, {
        headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: abort.signal,
      });
    } catch {
      return undefined;
    }
    if (response.ok) {
      abort.abort();
      return undefined;
    }
    return this.reported(await ApiError.from(response));
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // The server refuses a bodiless POST or DELETE without it: a page of
    // another site could send one without asking (no CORS preflight).
    else if (method !== 'GET') headers['X-Requested-With'] = 'fetch';
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    let response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(
        0,
        'network_error',
        `Cannot reach the server at ${this.base}.`,
      );
    }
    if (response.status === 204) return undefined;
    if (!response.ok) throw this.reported(await ApiError.from(response));
    return response.json().catch(() => undefined);
  }

  reported(error) {
    if (isAuthenticationError(error)) this.onUnauthorized?.(error);
    return error;
  }
}
