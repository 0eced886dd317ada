/** An error answered by the API (`{statusCode, code, message, details?}`) or a failed request. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The chat API's HTTP routes. Every failure becomes an `ApiError` with a readable message. */
export class ApiClient {
  constructor(base) {
    this.base = base;
  }

  /** Starts a reply; resolves with `{conversationId, messageId}` once the server accepted it. */
  send(conversationId, messages) {
    return this.request('POST', '/server/send', { conversationId, messages });
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

  eventsUrl(conversationId, lastEventId) {
    const query = new URLSearchParams({ conversationId });
    if (lastEventId) query.set('lastEventId', lastEventId);
    return `${this.base}/server/events?${query}`;
  }

  async request(method, path, body) {
    let response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers:
          body === undefined
            ? { Accept: 'application/json' }
            : {
                'Content-Type': 'application/json',
                Accept: 'application/json',
              },
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
    const payload = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw new ApiError(
        response.status,
        payload?.code ?? `http_${response.status}`,
        typeof payload?.message === 'string'
          ? payload.message
          : `The server answered ${response.status} ${response.statusText}.`,
        payload?.details,
      );
    }
    return payload;
  }
}
