import type { Observer, Subscriber, Unsubscribable } from 'rxjs';
import type { ChatEvent } from '../../bus/chat-event.js';
import { SseFrame } from '../../streaming/sse-frame.js';
import type {
  StreamClient,
  StreamConnection,
  StreamLease,
} from '../../streaming/slots/stream-registry.js';

/** What a subscriber asked for: which conversation, from where, and who. */
export interface StreamRequest {
  conversationId: string;
  /** The bus channel, when not the conversation id (a key's default conversation). */
  channel?: string;
  lastEventId?: string;
  /** Who opens it, for the per-client limit (API key, or IP address when open). */
  client: StreamClient;
  /** The HTTP response carrying the stream: shutdown waits for it to flush. */
  connection?: StreamConnection;
}

/** What an open stream asks of the service that opened it. */
export interface StreamHost {
  /** The frame of a `ready` or `reset` event, as this stream's client names the conversation. */
  controlFrame(event: ChatEvent, stream: OpenStream): string;
  /** The bus ended the subscription: end the response (so that the client reconnects). */
  end(stream: OpenStream): void;
  /** The stream is gone, whatever ended it. */
  closed(stream: OpenStream): void;
}

/**
 * One subscriber's stream, held for as long as its client stays connected:
 * the observer of its bus subscription and the teardown Nest runs when the
 * client leaves, in one object. Closures for each of those (three observer
 * callbacks, the teardown, the id mapping and their shared context) cost
 * about 0.4 KB more per idle connection (bench/analysis.md).
 */
export class OpenStream implements Observer<ChatEvent>, Unsubscribable {
  /**
   * The id of the last event sent: the final `shutdown` event carries it,
   * since an event without an id would get one made up by Nest, which the
   * client would then send back as its Last-Event-ID.
   */
  position: string | undefined;
  private events?: Unsubscribable;

  constructor(
    readonly subscriber: Subscriber<SseFrame>,
    private readonly host: StreamHost,
    private readonly lease: StreamLease,
    /** What the client asked for (the conversation id it knows). */
    readonly request: StreamRequest,
  ) {
    this.position = request.lastEventId;
  }

  /** Starts reading the bus: from here on, its events go to the subscriber. */
  listen(events: {
    subscribe(observer: Observer<ChatEvent>): Unsubscribable;
  }): void {
    this.events = events.subscribe(this);
  }

  next(event: ChatEvent): void {
    this.position = event.id;
    this.subscriber.next(
      new SseFrame(
        event.type === 'ready' || event.type === 'reset'
          ? this.host.controlFrame(event, this)
          : event.frame,
        event.type,
      ),
    );
  }

  error(error: unknown): void {
    this.subscriber.error(error);
  }

  /** A bus that loses its connection ends its subscriptions after an `error` event. */
  complete(): void {
    this.host.end(this);
  }

  /** Nest's teardown, when the client leaves or the stream ends. */
  unsubscribe(): void {
    this.events?.unsubscribe();
    this.host.closed(this);
    this.lease.release();
  }
}
