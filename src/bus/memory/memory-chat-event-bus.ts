import {
  Observable,
  Subject,
  BehaviorSubject,
  distinctUntilChanged,
} from 'rxjs';
import { ChatEventBus } from '../chat-event-bus.js';
import {
  controlEvent,
  toMessageEvent,
  type CancelRequest,
  type ChatEvent,
  type ChatEventInput,
} from '../chat-event.js';
import {
  compareEventIds,
  EventIdClock,
  formatEventId,
  parseEventId,
  type EventId,
} from '../event-id.js';

export interface MemoryBusOptions {
  /** Events kept per conversation for replay. */
  replaySize: number;
  /** Age after which an event is no longer replayed (ms). */
  replayTtlMs: number;
  now?: () => number;
}

interface StoredEvent {
  event: ChatEvent;
  eventId: EventId;
  at: number;
}

/** Per-conversation state; dropped once nobody listens and nothing is left to replay. */
class Channel {
  readonly live = new Subject<ChatEvent>();
  readonly listeners = new BehaviorSubject(0);
  readonly cancels = new Subject<CancelRequest>();
  readonly buffer: StoredEvent[] = [];
  /** Events at or before this id may have been dropped from the buffer. */
  horizon: EventId;

  constructor(horizon: EventId) {
    this.horizon = horizon;
  }
}

/**
 * The bus of a single process: one RxJS `Subject` per conversation for live
 * delivery, and a bounded replay buffer (by count and age) for resume. Events
 * are serialised once in `publish`; a subscriber costs one subscription.
 */
export class MemoryChatEventBus extends ChatEventBus {
  private readonly channels = new Map<string, Channel>();
  private readonly clock: EventIdClock;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: MemoryBusOptions) {
    super();
    const now = options.now ?? Date.now;
    this.clock = new EventIdClock(now);
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.min(options.replayTtlMs, 60_000),
    );
    this.sweeper.unref();
  }

  publish(conversationId: string, input: ChatEventInput): Promise<ChatEvent> {
    const channel = this.channel(conversationId);
    const eventId = this.clock.next();
    const id = formatEventId(eventId);
    const event: ChatEvent = {
      id,
      conversationId,
      type: input.type,
      message: toMessageEvent(id, input),
    };
    channel.buffer.push({ event, eventId, at: this.now() });
    this.trim(channel);
    channel.live.next(event);
    return Promise.resolve(event);
  }

  subscribe(
    conversationId: string,
    lastEventId?: string,
  ): Observable<ChatEvent> {
    return new Observable<ChatEvent>((subscriber) => {
      const channel = this.channel(conversationId);
      this.trim(channel);
      for (const event of this.replay(channel, conversationId, lastEventId)) {
        subscriber.next(event);
      }
      // Replay and live subscription happen in the same tick: nothing published
      // in between can be missed or delivered twice.
      const live = channel.live.subscribe(subscriber);
      channel.listeners.next(channel.listeners.value + 1);
      return () => {
        live.unsubscribe();
        channel.listeners.next(channel.listeners.value - 1);
        this.dropIfIdle(conversationId, channel);
      };
    });
  }

  listenerCount(conversationId: string): Observable<number> {
    return new Observable<number>((subscriber) => {
      const channel = this.channel(conversationId);
      const sub = channel.listeners
        .pipe(distinctUntilChanged())
        .subscribe(subscriber);
      return () => {
        sub.unsubscribe();
        this.dropIfIdle(conversationId, channel);
      };
    });
  }

  requestCancel(request: CancelRequest): Promise<void> {
    this.channels.get(request.conversationId)?.cancels.next(request);
    return Promise.resolve();
  }

  cancelRequests(conversationId: string): Observable<CancelRequest> {
    return new Observable<CancelRequest>((subscriber) => {
      const channel = this.channel(conversationId);
      const sub = channel.cancels.subscribe(subscriber);
      return () => {
        sub.unsubscribe();
        this.dropIfIdle(conversationId, channel);
      };
    });
  }

  override close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  /** `ready` at the subscriber's position, then what it missed (or `reset`). */
  private replay(
    channel: Channel,
    conversationId: string,
    lastEventId?: string,
  ): ChatEvent[] {
    const latest = this.clock.latest;
    const head = channel.buffer.at(-1)?.event.id ?? formatEventId(latest);
    if (lastEventId === undefined) {
      return [controlEvent(conversationId, head, 'ready')];
    }
    const after = parseEventId(lastEventId);
    if (
      !after ||
      compareEventIds(after, channel.horizon) < 0 ||
      compareEventIds(after, latest) > 0
    ) {
      return [
        controlEvent(conversationId, head, 'ready'),
        controlEvent(conversationId, head, 'reset', 'events_expired'),
      ];
    }
    const missed = [controlEvent(conversationId, lastEventId, 'ready')];
    for (const stored of channel.buffer) {
      if (compareEventIds(stored.eventId, after) > 0) missed.push(stored.event);
    }
    return missed;
  }

  private channel(conversationId: string): Channel {
    let channel = this.channels.get(conversationId);
    if (!channel) {
      channel = new Channel(this.clock.latest);
      this.channels.set(conversationId, channel);
    }
    return channel;
  }

  private trim(channel: Channel): void {
    const oldest = this.now() - this.options.replayTtlMs;
    let drop = Math.max(0, channel.buffer.length - this.options.replaySize);
    while (drop < channel.buffer.length && channel.buffer[drop].at < oldest)
      drop++;
    if (drop === 0) return;
    channel.horizon = channel.buffer[drop - 1].eventId;
    channel.buffer.splice(0, drop);
  }

  private dropIfIdle(conversationId: string, channel: Channel): void {
    if (
      channel.buffer.length === 0 &&
      channel.listeners.value === 0 &&
      !channel.live.observed &&
      !channel.cancels.observed &&
      !channel.listeners.observed
    ) {
      this.channels.delete(conversationId);
    }
  }

  private sweep(): void {
    for (const [conversationId, channel] of this.channels) {
      this.trim(channel);
      this.dropIfIdle(conversationId, channel);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
