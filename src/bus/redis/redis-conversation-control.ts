import {
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  finalize,
  from,
  interval,
  merge,
  Observable,
  ReplaySubject,
  share,
  Subject,
  switchMap,
} from 'rxjs';
import type { RedisConnections } from '../../redis/redis-connections.js';
import type {
  ChannelListener,
  RedisSubscriptions,
} from '../../redis/redis-subscriptions.js';
import type { CancelRequest } from '../chat-event.js';
import type { RedisPresence } from './redis-presence.js';

interface ControlMessage {
  type: 'listeners' | 'cancel';
  messageId?: string;
}

/**
 * The control plane of conversations across instances, on one pub/sub
 * channel per conversation: listener counts (from the presence hashes,
 * re-read when an instance announces a change and on a timer) and
 * cancellation requests, which reach whichever instance runs the reply.
 */
export class RedisConversationControl {
  private readonly counts = new Map<string, Observable<number>>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly presence: RedisPresence,
    private readonly subscriptions: RedisSubscriptions,
  ) {}

  /** Shared: one watcher per conversation and instance, however many generations ask. */
  listenerCount(conversationId: string): Observable<number> {
    let shared = this.counts.get(conversationId);
    if (!shared) {
      const created = this.watchListeners(conversationId).pipe(
        finalize(() => {
          if (this.counts.get(conversationId) === created)
            this.counts.delete(conversationId);
        }),
        share({
          connector: () => new ReplaySubject<number>(1),
          resetOnRefCountZero: true,
        }),
      );
      shared = created;
      this.counts.set(conversationId, shared);
    }
    return shared;
  }

  private watchListeners(conversationId: string): Observable<number> {
    return new Observable<number>((subscriber) => {
      const changed = new Subject<void>();
      const control = this.listenControl(conversationId, (message) => {
        if (message.type === 'listeners') changed.next();
      });
      // Notifications make changes prompt; polling notices instances that
      // died (their counts expire without notice) and notifications missed
      // while Redis was unreachable.
      const counts = merge(
        defer(() => control.subscribed).pipe(catchError(() => EMPTY)),
        from([undefined]),
        changed,
        interval(this.presence.pollIntervalMs),
      )
        .pipe(
          switchMap(() =>
            from(this.presence.total(conversationId)).pipe(
              catchError(() => EMPTY),
            ),
          ),
          distinctUntilChanged(),
        )
        .subscribe(subscriber);
      return () => {
        counts.unsubscribe();
        control.close();
      };
    });
  }

  async requestCancel(request: CancelRequest): Promise<void> {
    const message: ControlMessage = {
      type: 'cancel',
      ...(request.messageId ? { messageId: request.messageId } : {}),
    };
    await this.redis.publish(
      this.presence.controlChannel(request.conversationId),
      JSON.stringify(message),
    );
  }

  cancelRequests(conversationId: string): Observable<CancelRequest> {
    return new Observable<CancelRequest>((subscriber) => {
      const control = this.listenControl(conversationId, (message) => {
        if (message.type !== 'cancel') return;
        subscriber.next(
          message.messageId
            ? { conversationId, messageId: message.messageId }
            : { conversationId },
        );
      });
      return () => control.close();
    });
  }

  private listenControl(
    conversationId: string,
    handle: (message: ControlMessage) => void,
  ): ChannelListener {
    return this.subscriptions.listen(
      this.presence.controlChannel(conversationId),
      (raw) => {
        const message = parseControl(raw);
        if (message) handle(message);
      },
    );
  }
}

function parseControl(raw: string): ControlMessage | undefined {
  try {
    const message = JSON.parse(raw) as Partial<ControlMessage>;
    if (message.type === 'listeners' || message.type === 'cancel') {
      return typeof message.messageId === 'string'
        ? { type: message.type, messageId: message.messageId }
        : { type: message.type };
    }
  } catch {
    // Not one of ours: another deployment sharing the prefix, or a typo.
  }
  return undefined;
}
