import type { Observable } from 'rxjs';
import type { CancelRequest, ChatEvent, ChatEventInput } from './chat-event.js';

/**
 * The conversation event bus, and its injection token. The in-memory
 * implementation serves one process; the Redis one lets many instances serve
 * one conversation. Nothing outside `src/bus/` may depend on which one runs.
 */
export abstract class ChatEventBus {
  /**
   * Appends an event to a conversation's stream and returns it with its id:
   * at once when the bus appends synchronously (the in-memory one), so that
   * a reply whose deltas it publishes costs no promise per delta; else a
   * promise, which the reply waits for before its next delta.
   */
  abstract publish(
    conversationId: string,
    event: ChatEventInput,
  ): ChatEvent | Promise<ChatEvent>;

  /**
   * The events of one conversation. First a `ready` event whose id is the
   * subscriber's position (its `lastEventId`, or the newest event), then the
   * events after `lastEventId` in order and once each, then live ones. When
   * the missed events can no longer be replayed exactly, a `reset` event
   * follows `ready` instead (the client should reload the conversation).
   * Subscribing counts as listening.
   */
  abstract subscribe(
    conversationId: string,
    lastEventId?: string,
  ): Observable<ChatEvent>;

  /** Listeners of a conversation across every instance: now, then on each change. */
  abstract listenerCount(conversationId: string): Observable<number>;

  /** Asks whichever instance runs the generation to stop it. */
  abstract requestCancel(request: CancelRequest): Promise<void>;

  /** Cancellation requests for a conversation, from any instance. */
  abstract cancelRequests(conversationId: string): Observable<CancelRequest>;

  /** Resolves when the bus can deliver events; rejects with the reason when not (readiness). */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  /** Releases timers and connections; called once at shutdown. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
