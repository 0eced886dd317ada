/**
 * What each event of a conversation stream carries (`ChatEventMap` in
 * chat-event.ts; docs/events.md describes them). The browser client reads
 * the same shapes, declared as JSDoc typedefs in client/js/chat-events.js:
 * a change here is a change there.
 */

/** `ready`: first event of every stream; its id is the subscriber's position. */
export interface ReadyPayload {
  conversationId: string;
}

/** `delta`: the next piece of a reply's text. */
export interface DeltaPayload {
  messageId: string;
  text: string;
}

/**
 * `tool_call`: a piece of a tool call the model makes. The first piece of
 * call `index` carries its `id` and `name`, later ones only more of its
 * arguments' JSON text.
 */
export interface ToolCallPayload {
  messageId: string;
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/** A whole tool call, as `done` lists them. */
export interface ToolCallSummary {
  id: string;
  name: string;
  /** The arguments' JSON text, as the model wrote it. */
  arguments: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * Why a reply was stopped. `lease_lost` never reaches a client: the instance
 * that lost its lease leaves the ending to the instance that took it over.
 */
export type ReplyCancelReason =
  'requested' | 'no_listeners' | 'shutdown' | 'lease_lost';

/** `done`: the whole reply, complete or stopped. */
export interface DonePayload {
  messageId: string;
  text: string;
  /** The model's (`stop`, `length`, `tool_calls`…), or `cancelled`. */
  finishReason: string;
  /** The model that answered, after any fallback. */
  model?: string;
  usage?: TokenUsage;
  /** Present when the model called tools (`finishReason: "tool_calls"`). */
  toolCalls?: ToolCallSummary[];
  /** Present when `finishReason` is `cancelled`. */
  cancelReason?: ReplyCancelReason;
}

/** `error` for one reply: it failed, keeping the text already sent. */
export interface ReplyErrorPayload {
  messageId: string;
  code: string;
  message: string;
  /** What was sent before the failure. */
  text: string;
  /** `upstreamCode`: the model API's own code. */
  details?: unknown;
}

/** `error` for the whole stream (`bus_unavailable`): no reply is named. */
export interface StreamErrorPayload {
  code: string;
  message: string;
}

export type ErrorPayload = ReplyErrorPayload | StreamErrorPayload;

/** `reset`: what the subscriber missed is gone; reload the conversation. */
export interface ResetPayload {
  conversationId: string;
  reason: string;
}

/** `shutdown`: the process is going away; reconnect after `retryMs`. */
export interface ShutdownPayload {
  reason: 'server_shutdown';
  retryMs: number;
}
