import { Injectable, type MessageEvent, Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  concat,
  defer,
  EMPTY,
  interval,
  map,
  Observable,
  of,
  share,
  takeUntil,
} from 'rxjs';
import { ChatEventBus } from '../../bus/chat-event-bus.js';
import { AppLifecycle } from '../../common/lifecycle/app-lifecycle.service.js';
import type { AppConfig } from '../../config/app-config.service.js';
import {
  StreamRegistry,
  type StreamClient,
  type StreamConnection,
} from './stream-registry.js';

export interface StreamRequest {
  conversationId: string;
  lastEventId?: string;
  /** Who opens it, for the per-client limit (API key, or IP address when open). */
  client: StreamClient;
  /** The HTTP response carrying the stream, so that shutdown can wait for it to flush. */
  connection?: StreamConnection;
}

/**
 * Builds the Observable an `@Sse()` route returns for one subscriber: the
 * bus's `ready` event with a `retry:` hint first, then the conversation's
 * events (replay then live), with `: ping` comments interleaved, until the client leaves or
 * the process shuts down (then a final `shutdown` event).
 *
 * Per-subscriber state is kept small on purpose: the heartbeat is one shared
 * timer for all streams, and events arrive already serialised from the bus.
 */
@Injectable()
export class EventStreamService {
  private readonly heartbeat$: Observable<MessageEvent>;
  private readonly retryMs: number;

  constructor(
    private readonly bus: ChatEventBus,
    private readonly registry: StreamRegistry,
    private readonly lifecycle: AppLifecycle,
    @Inject(ConfigService) config: AppConfig,
  ) {
    const ping = commentEvent('ping');
    this.heartbeat$ = interval(
      config.get('SSE_HEARTBEAT_MS', { infer: true }),
    ).pipe(
      map(() => ping),
      share(),
    );
    this.retryMs = config.get('SSE_RETRY_MS', { infer: true });
  }

  open(request: StreamRequest): Observable<MessageEvent> {
    this.lifecycle.assertAccepting();
    // The slot is taken on subscription, not before: Nest does not subscribe
    // when the client left during set-up, and a slot taken then would leak.
    // A limit error thrown here still becomes a 429, as no header is out yet.
    return new Observable<MessageEvent>((subscriber) => {
      const lease = this.registry.acquire(request.client, request.connection);
      // The id of the last event sent: the final `shutdown` event carries it,
      // since an event without an id would get one made up by Nest, which the
      // client would then send back as its Last-Event-ID.
      let position = request.lastEventId;
      const events$ = this.bus
        .subscribe(request.conversationId, request.lastEventId)
        .pipe(
          map((event) => {
            position = event.id;
            return event.type === 'ready'
              ? { ...event.message, retry: this.retryMs }
              : event.message;
          }),
        );
      const stream = concat(
        withHeartbeat(events$, this.heartbeat$).pipe(
          takeUntil(this.lifecycle.closing$),
        ),
        defer(() =>
          this.lifecycle.draining ? of(this.goodbye(position)) : EMPTY,
        ),
      ).subscribe(subscriber);
      return () => {
        stream.unsubscribe();
        lease.release();
      };
    });
  }

  private goodbye(id: string | undefined): MessageEvent {
    return {
      id,
      type: 'shutdown',
      retry: this.retryMs,
      data: JSON.stringify({
        reason: 'server_shutdown',
        retryMs: this.retryMs,
      }),
    };
  }
}

/**
 * The events with the heartbeat interleaved, ending when the events end: a
 * bus that loses its connection ends its subscriptions after an `error`
 * event, and the response must then end so that the client reconnects.
 */
function withHeartbeat<T>(
  events$: Observable<T>,
  heartbeat$: Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const beats = heartbeat$.subscribe((beat) => subscriber.next(beat));
    const events = events$.subscribe(subscriber);
    return () => {
      beats.unsubscribe();
      events.unsubscribe();
    };
  });
}

/**
 * A comment line (`: text`), which every client ignores. Nest writes a
 * message as a bare comment only when it has no `data` at all, which the
 * `MessageEvent` type does not express.
 */
function commentEvent(comment: string): MessageEvent {
  return { comment } as MessageEvent;
}
