/** The named events of `/server/events` this client acts on (the unnamed legacy `message` is ignored). */
const EVENT_TYPES = ['ready', 'delta', 'done', 'error', 'reset', 'shutdown'];
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 10_000;

/**
 * One conversation's event stream over `EventSource`, with a visible state:
 * `connecting` (never live yet), `live` (the server's `ready` arrived),
 * `reconnecting`, `closed`.
 *
 * The browser reconnects by itself after a dropped connection and sends
 * `Last-Event-ID`, so the server replays exactly what was missed. When the
 * browser gives up instead (the server answered with an error status while
 * restarting, or the network changed), this class opens a new `EventSource`
 * after a backoff and passes the last id it saw as `lastEventId`: the same
 * resume, so no token is lost or doubled.
 */
export class ConversationStream {
  /**
   * @param {object} options
   * @param {(lastEventId?: string) => string} options.url
   * @param {(type: string, data: any, id: string) => void} options.onEvent
   * @param {(state: string) => void} options.onState
   * @param {string} [options.lastEventId] where to resume from
   */
  constructor({ url, onEvent, onState, lastEventId }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastEventId = lastEventId;
    this.state = 'closed';
    this.source = undefined;
    this.retryTimer = undefined;
    this.attempts = 0;
    this.everLive = false;
    this.liveWaiters = new Set();
    this.reconnectNow = () => {
      if (this.state !== 'live' && this.state !== 'closed') this.connect();
    };
  }

  open() {
    if (this.state !== 'closed') return;
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  close() {
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
    this.setState('closed');
  }

  /** Resolves `true` once live, `false` if that takes longer than `timeoutMs`. */
  whenLive(timeoutMs) {
    if (this.state === 'live') return Promise.resolve(true);
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

  connect() {
    clearTimeout(this.retryTimer);
    this.source?.close();
    const source = new EventSource(this.url(this.lastEventId));
    this.source = source;
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (source !== this.source) return;
        // The browser's own `error` (connection trouble) is a plain Event
        // without data; the server's `error` event is a MessageEvent with JSON.
        if (type === 'error' && !(event instanceof MessageEvent)) {
          this.connectionLost(source);
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

  connectionLost(source) {
    if (source.readyState === EventSource.CLOSED) this.retryLater();
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
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
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    if (state === 'live')
      for (const waiter of [...this.liveWaiters]) waiter(true);
    this.onState(state);
  }
}
