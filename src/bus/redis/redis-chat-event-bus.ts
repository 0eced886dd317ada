import { randomUUID } from 'node:crypto';
import { Observable, Subject, type Subscription } from 'rxjs';
import type { RedisConnections } from '../../redis/redis-connections.js';
import {
  RedisSubscriptions,
  type ChannelListener,
} from '../../redis/redis-subscriptions.js';
import type { StreamErrorPayload } from '../chat-event-payloads.js';
import { ChatEventBus } from '../chat-event-bus.js';
import {
  controlEvent,
  chatEvent,
  type CancelRequest,
  type ChatEvent,
  type ChatEventInput,
} from '../chat-event.js';
import { compareEventIds, parseEventId, type EventId } from '../event-id.js';
import { RedisConversationControl } from './redis-conversation-control.js';
import { RedisEventLog, type EventLogOptions } from './redis-event-log.js';
import { RedisPresence } from './redis-presence.js';

export interface RedisBusOptions extends EventLogOptions {
  /** How long the listeners of an instance that died keep counting (ms). */
  presenceTtlMs: number;
  instanceId?: string;
}

/** The live events of one conversation on this instance, shared by its local subscribers. */
interface LiveChannel {
  readonly events: Subject<ChatEvent>;
  readonly listener: ChannelListener;
  subscribers: number;
}

/**
 * The bus of many instances sharing one Redis. Each conversation's events
 * live in a Redis stream (the replay buffer) and are announced on a pub/sub
 * channel that an instance subscribes to while it has local subscribers for
 * that conversation: an event reaches each instance once and is framed once
 * there, then fans out through a local `Subject` as in the in-memory bus.
 *
 * A subscriber first subscribes to the live channel, then reads its replay;
 * live events that arrive meanwhile are held and delivered after the replay,
 * skipping ids it already has, so replay and live meet without gap or
 * duplicate. When the pub/sub connection drops, live events may be lost, so
 * every open subscription ends with an `error` event (`bus_unavailable`);
 * clients reconnect with their last id and resume exactly from the stream.
 */
export class RedisChatEventBus extends ChatEventBus {
  private readonly live = new Map<string, LiveChannel>();
  private readonly log: RedisEventLog;
  private readonly presence: RedisPresence;
  private readonly subscriptions: RedisSubscriptions;
  private readonly control: RedisConversationControl;
  private readonly lost: Subscription;

  constructor(
    private readonly redis: RedisConnections,
    options: RedisBusOptions,
  ) {
    super();
    this.log = new RedisEventLog(redis, options);
    this.presence = new RedisPresence(redis, {
      instanceId: options.instanceId ?? randomUUID(),
      ttlMs: options.presenceTtlMs,
    });
    this.subscriptions = new RedisSubscriptions(redis);
    this.control = new RedisConversationControl(
      redis,
      this.presence,
      this.subscriptions,
    );
    this.lost = redis.lost$.subscribe(() => this.endLiveDelivery());
  }

  publish(conversationId: string, input: ChatEventInput): Promise<ChatEvent> {
    return this.log.append(conversationId, input);
  }

  subscribe(
    conversationId: string,
    lastEventId?: string,
  ): Observable<ChatEvent> {
    return new Observable<ChatEvent>((subscriber) => {
      // The last id this subscriber holds: an `error` event carries it, so
      // that the client resumes from there.
      let position = lastEventId;
      const fail = () => {
        if (subscriber.closed) return;
        subscriber.next(this.unavailable(conversationId, position));
        subscriber.complete();
      };
      if (!this.redis.available) {
        fail();
        return;
      }
      const channel = this.join(conversationId);
      let held: ChatEvent[] | undefined = [];
      let newest: EventId | undefined;
      let inOrder = false;
      const deliver = (event: ChatEvent) => {
        if (!inOrder) {
          const id = parseEventId(event.id);
          if (!id || (newest && compareEventIds(id, newest) <= 0)) return;
          newest = id;
        }
        position = event.id;
        subscriber.next(event);
      };
      const live = channel.events.subscribe({
        next: (event) => {
          if (held) return void held.push(event);
          deliver(event);
          // Pub/sub keeps the stream's order: once one live event is newer
          // than the replay, every later one is too.
          inOrder ||= event.id === position;
        },
        error: fail,
      });
      const start = async () => {
        await channel.listener.subscribed;
        const valid =
          lastEventId === undefined || parseEventId(lastEventId) !== undefined;
        const replay = await this.log.replay(
          conversationId,
          valid ? lastEventId : undefined,
        );
        if (subscriber.closed) return;
        position = replay.position;
        newest = parseEventId(replay.position);
        subscriber.next(controlEvent(conversationId, replay.position, 'ready'));
        if (replay.reset || !valid) {
          subscriber.next(
            controlEvent(
              conversationId,
              replay.position,
              'reset',
              'events_expired',
            ),
          );
        }
        for (const event of replay.events) deliver(event);
        const arrived = held ?? [];
        held = undefined;
        for (const event of arrived) deliver(event);
      };
      start().catch(fail);
      return () => {
        live.unsubscribe();
        this.leave(conversationId, channel);
      };
    });
  }

  listenerCount(conversationId: string): Observable<number> {
    return this.control.listenerCount(conversationId);
  }

  requestCancel(request: CancelRequest): Promise<void> {
    return this.control.requestCancel(request);
  }

  cancelRequests(conversationId: string): Observable<CancelRequest> {
    return this.control.cancelRequests(conversationId);
  }

  override async ping(): Promise<void> {
    if (!this.redis.available) throw this.redis.unavailableError();
    await this.redis.command.ping();
  }

  override async close(): Promise<void> {
    this.lost.unsubscribe();
    for (const channel of this.live.values()) channel.events.complete();
    this.live.clear();
    await this.presence.close();
  }

  private join(conversationId: string): LiveChannel {
    let channel = this.live.get(conversationId);
    if (!channel) {
      const events = new Subject<ChatEvent>();
      const listener = this.subscriptions.listen(
        this.log.channel(conversationId),
        (message) => {
          const event = this.log.decode(conversationId, message);
          if (event) events.next(event);
        },
      );
      channel = { events, listener, subscribers: 0 };
      this.live.set(conversationId, channel);
    }
    channel.subscribers++;
    this.presence.change(conversationId, 1);
    return channel;
  }

  private leave(conversationId: string, channel: LiveChannel): void {
    channel.subscribers--;
    this.presence.change(conversationId, -1);
    if (channel.subscribers > 0) return;
    channel.listener.close();
    if (this.live.get(conversationId) === channel)
      this.live.delete(conversationId);
  }

  /** Live events may have been missed: every local subscription ends, to resume from the stream. */
  private endLiveDelivery(): void {
    const channels = [...this.live.values()];
    this.live.clear();
    for (const channel of channels)
      channel.events.error(this.redis.unavailableError());
  }

  private unavailable(conversationId: string, position?: string): ChatEvent {
    // An empty id makes the client forget its position rather than resume
    // from an id that was never issued.
    const id = position ?? '';
    const data: StreamErrorPayload = {
      code: 'bus_unavailable',
      message:
        'Live events are interrupted (the event bus is unreachable); reconnect to resume.',
    };
    return chatEvent(conversationId, id, 'error', JSON.stringify(data));
  }
}
