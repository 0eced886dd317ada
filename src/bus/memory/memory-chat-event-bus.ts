import {
  Observable,
  Subject,
  BehaviorSubject,
  distinctUntilChanged,
} from 'rxjs';
import type { ByteBudget } from '../../common/memory/byte-budget.js';
import { ChatEventBus } from '../chat-event-bus.js';
import {
  controlEvent,
  chatEvent,
  serialiseData,
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
  /** Shared with the in-memory store: replay of the least recently used conversations goes first. */
  budget?: ByteBudget;
  now?: () => number;
}

const BUDGET_HOLDER = 'replay';
/**
 * Heap of a buffered event besides its data (objects, id strings): a delta
 * of 70 characters measured about 450 bytes in all (test/security/memory-budget).
 */
const EVENT_OVERHEAD_BYTES = 400;
const sizeOf = (stored: StoredEvent) =>
  EVENT_OVERHEAD_BYTES + stored.event.frame.length * 2;

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
 * are framed once in `publish`; a subscriber costs one subscription.
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
    options.budget?.register(
      (conversationId) => this.forget(conversationId),
      () => false,
    );
  }

  publish(
    conversationId: string,
    input: ChatEventInput,
  ): ChatEvent | Promise<ChatEvent> {
    const channel = this.channel(conversationId);
    const eventId = this.clock.next();
    const id = formatEventId(eventId);
    const event = chatEvent(
      conversationId,
      id,
      input.type,
      serialiseData(input),
    );
    const stored = { event, eventId, at: this.now() };
    channel.buffer.push(stored);
    this.options.budget?.add(conversationId, BUDGET_HOLDER, sizeOf(stored));
    this.trim(channel, conversationId);
    channel.live.next(event);
    return event;
  }

  subscribe(
    conversationId: string,
    lastEventId?: string,
  ): Observable<ChatEvent> {
    return new Observable<ChatEvent>((subscriber) => {
      const channel = this.channel(conversationId);
      this.trim(channel, conversationId);
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

  /**
   * Drops what is past the size or the age. By size only once the buffer has
   * grown an eighth over it: removing from the front of an array moves every
   * element, and doing it on each publish would make it the hottest function
   * of the POST benchmark. At least `replaySize` events stay replayable.
   */
  private trim(channel: Channel, conversationId: string): void {
    const oldest = this.now() - this.options.replayTtlMs;
    const { replaySize } = this.options;
    const overSize = channel.buffer.length > replaySize + (replaySize >> 3);
    let drop = overSize ? channel.buffer.length - replaySize : 0;
    while (drop < channel.buffer.length && channel.buffer[drop].at < oldest)
      drop++;
    if (drop === 0) return;
    channel.horizon = channel.buffer[drop - 1].eventId;
    const dropped = channel.buffer.splice(0, drop);
    if (this.options.budget) {
      const bytes = dropped.reduce((sum, stored) => sum + sizeOf(stored), 0);
      this.options.budget.add(conversationId, BUDGET_HOLDER, -bytes);
    }
  }

  /** Evicted by the memory budget: what could be replayed is gone (resumers get `reset`). */
  private forget(conversationId: string): void {
    const channel = this.channels.get(conversationId);
    const newest = channel?.buffer.at(-1);
    if (!channel || !newest) return;
    channel.horizon = newest.eventId;
    channel.buffer.length = 0;
    this.dropIfIdle(conversationId, channel);
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
      this.trim(channel, conversationId);
      this.dropIfIdle(conversationId, channel);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
