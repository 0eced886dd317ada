/**
 * An event already framed as SSE bytes (`frameSse()`), which an
 * event-stream route's Observable emits and the frame writer writes as it
 * is. `data` is the frame itself: Nest passes an object with string data
 * through as it is, and counts its length against the route's pending
 * limit (SSE_MAX_PENDING_CHARS) as it did for the event's fields.
 */
export class SseFrame {
  constructor(
    readonly data: string,
    /** The event's name, for filtering: `ping` for the heartbeat comment. */
    readonly event?: string,
  ) {}
}
