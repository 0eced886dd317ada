import type { MessageEvent } from '@nestjs/common';

/**
 * Event types on a conversation stream. `message` is the unnamed event the
 * original page listens to with `onmessage`; every other type is a named SSE
 * event carrying JSON.
 */
export type ChatEventType =
  'ready' | 'delta' | 'tool_call' | 'done' | 'error' | 'message' | 'reset';

export interface ChatEventInput {
  type: ChatEventType;
  /** JSON-serialisable payload, or the plain text of a `message` event. */
  data: object | string;
}

/**
 * An event as stored and delivered. `message` is the SSE frame's fields,
 * built and serialised once when the event is published and shared by every
 * subscriber: per-subscriber work stays constant whatever the payload.
 */
export interface ChatEvent {
  readonly id: string;
  readonly conversationId: string;
  readonly type: ChatEventType;
  readonly message: MessageEvent;
}

/** Builds the shared SSE fields of an event: serialises its data exactly once. */
export function toMessageEvent(
  id: string,
  input: ChatEventInput,
): MessageEvent {
  const data =
    typeof input.data === 'string' ? input.data : JSON.stringify(input.data);
  // An unnamed event is dispatched as `message`: the original page's `onmessage`.
  return input.type === 'message'
    ? { id, data }
    : { id, type: input.type, data };
}

/** A request to stop a generation, which may reach any instance. */
export interface CancelRequest {
  conversationId: string;
  /** A specific reply; absent stops every generation of the conversation. */
  messageId?: string;
}

/**
 * An event that is not stored: it tells one subscriber where it stands
 * (`ready` at its position, `reset` when what it missed is gone).
 */
export function controlEvent(
  conversationId: string,
  id: string,
  type: 'ready' | 'reset',
  reason?: string,
): ChatEvent {
  const data = reason ? { conversationId, reason } : { conversationId };
  return {
    id,
    conversationId,
    type,
    message: toMessageEvent(id, { type, data }),
  };
}
