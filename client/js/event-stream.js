// @ts-check
import { isAuthenticationError } from './api-client.js';

/** The named events of `/server/events` this client acts on (the unnamed legacy `message` is ignored). */
const EVENT_TYPES = ['ready', 'delta', 'done', 'error', 'reset', 'shutdown'];
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 10_000;

/**
 * One conversation's event stream over `EventSource`, with a visible state:
 * `connecting` (never live yet), `live` (the server's `ready` arrived),
 * `reconnecting`, `closed`, or `unauthorized` (the API refused the key, and
 * the stream stays shut until the page is given another).
 *
 * The browser reconnects by itself after a dropped connection and sends
 * `Last-Event-ID`, so the server replays exactly what was missed. When the
 * browser gives up instead (the server answered with an error status: while
 * restarting, or to a stream token that expired meanwhile), this class asks
 * the endpoint why, then opens a new `EventSource` after a backoff, with a
 * URL from the endpoint (a fresh stream token when one is needed) and the
 * last id it saw as `lastEventId`: the same resume, so no token is lost or
 * doubled. It also takes over from the browser's own reconnection when that
 * would present a stream token about to expire.
 */
export class ConversationStream {
  /**
   * @param {object} options
   * @param {import('./stream-endpoint.js').StreamEndpoint} options.endpoint
   * @param {(...event: import('./chat-events.js').ChatEventArgs) => void} options.onEvent
   * @param {(state: string) => void} options.onState
   * @param {(error: import('./api-client.js').ApiError) => void} options.onRefused the API refused the key
   * @param {string} [options.lastEventId] where to resume from
   */
  constructor({ endpoint, onEvent, onState, onRefused, lastEventId }) {
    this.endpoint = endpoint;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onRefused = onRefused;
    this.lastEventId = lastEventId;
    this.state = 'closed';
    this.source = undefined;
    this.retryTimer = undefined;
    this.attempts = 0;
    /** Numbers connections: one still waiting for its URL gives way to a later one, or to `close()`. */
    this.connectionSerial = 0;
    this.everLive = false;
    this.liveWaiters = new Set();
    this.reconnectNow = () => {
      if (this.state !== 'live' && this.state !== 'closed') void this.connect();
    };
  }

  open() {
    if (this.state !== 'closed') return;
    window.addEventListener('online', this.reconnectNow);
    void this.connect();
  }

  close() {
    this.shut('closed');
  }

  /** Resolves `true` once live, `false` if that takes longer than `timeoutMs` or the stream shuts. */
  whenLive(timeoutMs) {
    if (this.state === 'live') return Promise.resolve(true);
    if (this.state === 'unauthorized') return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = (live) => {
        clearTimeout(timer);
        this.liveWaiters.delete(waiter);
        resolve(live);
      };
      const timer = setTimeout(() => waiter(false), timeoutMs);
      this.liveWaiters.add(waiter);
    });
  }

  async connect() {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
    const serial = ++this.connectionSerial;
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    let url;
    try {
      url = await this.endpoint.url(this.lastEventId);
    } catch (error) {
      if (serial === this.connectionSerial) this.failed(error);
      return;
    }
    if (serial !== this.connectionSerial) return;
    const source = new EventSource(url);
    this.source = source;
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (source !== this.source) return;
        // The browser's own `error` (connection trouble) is a plain Event
        // without data; the server's `error` event is a MessageEvent with JSON.
        if (type === 'error' && !(event instanceof MessageEvent)) {
          this.connectionLost(source, url);
          return;
        }
        this.receive(type, event);
      });
    }
  }

  receive(type, event) {
    if (event.lastEventId) this.lastEventId = event.lastEventId;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (type === 'ready') {
      this.attempts = 0;
      this.everLive = true;
      this.setState('live');
    } else if (type === 'shutdown') {
      // The server is going away and refuses new streams until it is back:
      // wait at least the time it asks for, rather than let the browser retry
      // at once into its 503 answers.
      this.source.close();
      this.retryLater(data.retryMs);
    }
    this.onEvent(type, data, event.lastEventId);
  }

  connectionLost(source, url) {
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    if (source.readyState === EventSource.CLOSED) {
      void this.refused(source, url);
    } else if (this.endpoint.expiring()) {
      // The browser is about to reconnect with the same URL, whose stream
      // token would expire before or soon after: reconnect with a fresh one.
      source.close();
      this.retryLater();
    }
  }

  /** The browser gave up on `url` after an error answer: learn why, then act on it. */
  async refused(source, url) {
    const reason = await this.endpoint.explainRefusal(url);
    // Closed, or reconnected by other means (back online), meanwhile.
    if (source === this.source) this.failed(reason);
  }

  failed(error) {
    if (isAuthenticationError(error)) {
      // The same key would be refused again: wait for another one.
      this.shut('unauthorized');
      this.onRefused(error);
      return;
    }
    this.retryLater(error?.retryAfterMs);
  }

  retryLater(atLeastMs = 0) {
    const backoff = Math.min(
      BACKOFF_MAX_MS,
      BACKOFF_MIN_MS * 2 ** this.attempts,
    );
    this.attempts += 1;
    // Jitter spreads the reconnections of many pages after a restart.
    const delay = Math.max(atLeastMs, backoff * (0.5 + Math.random() / 2));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
  }

  shut(state) {
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retryTimer);
    this.connectionSerial += 1;
    this.source?.close();
    this.source = undefined;
    this.setState(state);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    if (state === 'live' || state === 'closed' || state === 'unauthorized') {
      for (const waiter of [...this.liveWaiters]) waiter(state === 'live');
    }
    this.onState(state);
  }
}
