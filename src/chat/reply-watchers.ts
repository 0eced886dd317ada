import {
  distinctUntilChanged,
  EMPTY,
  filter,
  map,
  skipWhile,
  Subscription,
  switchMap,
  timer,
} from 'rxjs';
import type { ChatEventBus } from '../bus/chat-event-bus.js';
import { conversationKey, type ReplyConversation } from './conversation-key.js';

/** A running reply, as its watchers know it. */
export interface WatchedReply extends ReplyConversation {
  messageId: string;
}

/** Why the watchers of a reply stop it. */
export type WatchedCancelReason = 'requested' | 'no_listeners';

/**
 * Watches a running reply for what should stop it: a cancellation request
 * from any instance, and the last listener of its channel leaving for
 * longer than the grace period.
 */
export class ReplyWatchers {
  constructor(
    private readonly bus: ChatEventBus,
    private readonly cancelGraceMs: number,
  ) {}

  /** Calls `cancel` with the reason to stop `reply`, until unsubscribed. */
  watch(
    reply: WatchedReply,
    cancel: (reason: WatchedCancelReason) => void,
  ): Subscription {
    const { messageId } = reply;
    const channel = conversationKey(reply);
    const watchers = new Subscription();
    watchers.add(
      this.bus
        .cancelRequests(channel)
        .pipe(
          filter(
            (request) => !request.messageId || request.messageId === messageId,
          ),
        )
        .subscribe(() => cancel('requested')),
    );
    watchers.add(
      this.bus
        .listenerCount(channel)
        .pipe(
          map((count) => count > 0),
          distinctUntilChanged(),
          // A reply posted before anyone subscribed still runs: it is kept in the
          // replay buffer and the history. Only a transition to nobody counts.
          skipWhile((listening) => !listening),
          switchMap((listening) =>
            listening ? EMPTY : timer(this.cancelGraceMs),
          ),
        )
        .subscribe(() => cancel('no_listeners')),
    );
    return watchers;
  }
}
