import type {
  DeltaPayload,
  DonePayload,
  ErrorPayload,
  ReadyPayload,
  ResetPayload,
  ShutdownPayload,
  ToolCallPayload,
} from './chat-event-payloads.js';

/**
 * The event protocol of a conversation stream, in one place: which events
 * exist, what each carries, and how one is framed as Server-Sent Events.
 * The README's event reference describes the same map.
 */
import { frameSse } from '../streaming/sse-framing.js';

export interface ChatEventMap {
  ready: ReadyPayload;
  delta: DeltaPayload;
  tool_call: ToolCallPayload;
  done: DonePayload;
  error: ErrorPayload;
  /** The unnamed event the original page reads with `onmessage`: plain text. */
  message: string;
  reset: ResetPayload;
  shutdown: ShutdownPayload;
}

/** Event types on a conversation stream; every one but `message` is a named event carrying JSON. */
export type ChatEventType = Exclude<keyof ChatEventMap, 'shutdown'>;

/** An event to publish: its type and the data the map gives that type. */
export type ChatEventInput = {
  [K in ChatEventType]: { type: K; data: ChatEventMap[K] };
}[ChatEventType];

/**
 * An event as stored and delivered. `frame` is its SSE bytes, built once
 * when the event is published and written as they are to every subscriber:
 * per-subscriber work stays constant whatever the payload.
 */
export interface ChatEvent {
  readonly id: string;
  readonly conversationId: string;
  readonly type: ChatEventType;
  /** The serialised data (JSON, or the text of a `message` event). */
  readonly data: string;
  readonly frame: string;
}

/** Serialises an event's data exactly once. */
export function serialiseData(input: ChatEventInput): string {
  return typeof input.data === 'string'
    ? input.data
    : JSON.stringify(input.data);
}

/** Builds a stored event from its already serialised data: frames it once. */
export function chatEvent(
  conversationId: string,
  id: string,
  type: ChatEventType,
  data: string,
): ChatEvent {
  // An unnamed event is dispatched as `message`: the original page's `onmessage`.
  const event = type === 'message' ? undefined : type;
  return {
    id,
    conversationId,
    type,
    data,
    frame: frameSse({ event, id, data }),
  };
}

/** A request to stop a generation, which may reach any instance. */
export interface CancelRequest {
  conversationId: string;
  /** A specific reply; absent stops every generation of the conversation. */
  messageId?: string;
}

/**
 * An event that is not stored: it tells one subscriber where it stands
 * (`ready` at its position, `reset` with why what it missed is gone).
 */
export function controlEvent(
  conversationId: string,
  id: string,
  ...[type, reason]: ['ready'] | ['reset', string]
): ChatEvent {
  const input: ChatEventInput =
    type === 'ready'
      ? { type, data: { conversationId } }
      : { type, data: { conversationId, reason } };
  return chatEvent(conversationId, id, type, serialiseData(input));
}
