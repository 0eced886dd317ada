import { Injectable, Inject } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ChatEventBus } from '../../bus/chat-event-bus.js';
import { AppLifecycle } from '../../common/lifecycle/app-lifecycle.service.js';
import { CHAT_SETTINGS, type ChatSettings } from '../chat.settings.js';
import type { ChatEvent, ChatEventMap } from '../../bus/chat-event.js';
import { frameSse, PING_FRAME } from '../../streaming/sse-framing.js';
import { SseFrame } from '../../streaming/sse-frame.js';
import {
  OpenStream,
  type StreamHost,
  type StreamRequest,
} from './open-stream.js';
import { StreamRegistry } from '../../streaming/slots/stream-registry.js';

export type { StreamRequest } from './open-stream.js';

const PING = new SseFrame(PING_FRAME, 'ping');

/**
 * Builds the Observable an `@Sse()` route returns for one subscriber: the
 * bus's `ready` event with a `retry:` hint first, then the conversation's
 * events (replay then live), with `: ping` comments interleaved, until the
 * client leaves, the bus ends the subscription, or the process shuts down
 * (then a final `shutdown` event).
 *
 * Per-subscriber state is kept small on purpose, as it is held for as long as
 * a client stays connected, by thousands of clients: events arrive already
 * serialised from the bus, and one timer and one shutdown subscription serve
 * every stream through the set of open streams. Composing the bus, a shared
 * heartbeat and the shutdown signal with RxJS operators instead cost 4.6 KB
 * of heap per connection (five operator subscribers, some fifty closures and
 * contexts) and five more hops per event and subscriber (bench/results.md).
 */
@Injectable()
export class EventStreamService {
  private readonly streams = new Set<OpenStream>();
  private heartbeat?: NodeJS.Timeout;
  private closed = false;
  private readonly heartbeatMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly bus: ChatEventBus,
    private readonly registry: StreamRegistry,
    private readonly lifecycle: AppLifecycle,
    @Inject(CHAT_SETTINGS) settings: ChatSettings,
  ) {
    this.heartbeatMs = settings.heartbeatMs;
    this.retryMs = settings.retryMs;
    lifecycle.closing$.subscribe(() => this.closeAll());
  }

  async open(request: StreamRequest): Promise<Observable<SseFrame>> {
    this.lifecycle.assertAccepting();
    if (request.connection)
      await this.registry.claimShared(request.client, request.connection);
    // The slot is taken on subscription, not before: Nest does not subscribe
    // when the client left during set-up, and a slot taken then would leak.
    // A limit error thrown here still becomes a 429, as no header is out yet.
    return new Observable<SseFrame>((subscriber) => {
      const lease = this.registry.acquire(request.client, request.connection);
      const stream = new OpenStream(subscriber, this.host, lease, request);
      if (this.closed) {
        // Subscribed after shutdown closed the others: ends the same way.
        this.end(stream);
        return () => lease.release();
      }
      this.streams.add(stream);
      this.heartbeat ??= setInterval(() => this.ping(), this.heartbeatMs);
      stream.listen(
        this.bus.subscribe(
          request.channel ?? request.conversationId,
          request.lastEventId,
        ),
      );
      return stream;
    });
  }

  private ping(): void {
    for (const stream of this.streams) stream.subscriber.next(PING);
  }

  /** At shutdown: a `shutdown` event for each stream if the process is draining, then its end. */
  private closeAll(): void {
    this.closed = true;
    for (const stream of this.streams) this.end(stream);
  }

  /** What each open stream calls back. */
  private readonly host: StreamHost = {
    controlFrame: (event, stream) => this.control(event, stream),
    end: (stream) => this.end(stream),
    closed: (stream) => {
      this.streams.delete(stream);
      if (this.streams.size === 0) {
        clearInterval(this.heartbeat);
        this.heartbeat = undefined;
      }
    },
  };

  private end(stream: OpenStream): void {
    if (this.lifecycle.draining)
      stream.subscriber.next(this.goodbye(stream.position));
    stream.subscriber.complete();
  }

  /** `ready` carries the `retry:` hint; both name the conversation as the client knows it. */
  private control(event: ChatEvent, stream: OpenStream): string {
    return frameSse({
      event: event.type,
      id: event.id,
      retry: event.type === 'ready' ? this.retryMs : undefined,
      data: visibleIds(stream.request, event.data),
    });
  }

  private goodbye(id: string | undefined): SseFrame {
    const payload: ChatEventMap['shutdown'] = {
      reason: 'server_shutdown',
      retryMs: this.retryMs,
    };
    const data = JSON.stringify(payload);
    return new SseFrame(
      frameSse({ event: 'shutdown', id, retry: this.retryMs, data }),
      'shutdown',
    );
  }
}

/**
 * `ready` and `reset` name the conversation: the client's id, never the
 * internal channel id of a key's default conversation.
 */
function visibleIds(
  { channel, conversationId }: StreamRequest,
  data: string,
): string {
  if (channel === undefined || channel === conversationId) return data;
  return data.replace(JSON.stringify(channel), JSON.stringify(conversationId));
}
