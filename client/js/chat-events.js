// @ts-check
/**
 * The events of `GET /server/events` and what each carries: the JSDoc twin of
 * src/bus/chat-event-payloads.ts (a change there is a change here). Types
 * only: the page never loads this file, `tsc -p client` reads it.
 *
 * @typedef {{ conversationId: string }} ReadyPayload
 * @typedef {{ messageId: string, text: string }} DeltaPayload
 * @typedef {{
 *   messageId: string,
 *   index: number,
 *   id?: string,
 *   name?: string,
 *   argumentsDelta: string,
 * }} ToolCallPayload
 * @typedef {{ id: string, name: string, arguments: string }} ToolCallSummary
 * @typedef {{
 *   promptTokens: number,
 *   completionTokens: number,
 *   totalTokens: number,
 * }} TokenUsage
 * @typedef {'requested' | 'no_listeners' | 'shutdown' | 'lease_lost'} ReplyCancelReason
 * @typedef {{
 *   messageId: string,
 *   text: string,
 *   finishReason: string,
 *   model?: string,
 *   usage?: TokenUsage,
 *   toolCalls?: ToolCallSummary[],
 *   cancelReason?: ReplyCancelReason,
 * }} DonePayload
 * @typedef {{
 *   messageId: string,
 *   code: string,
 *   message: string,
 *   text: string,
 *   details?: unknown,
 * }} ReplyErrorPayload
 * @typedef {{ code: string, message: string }} StreamErrorPayload
 * @typedef {ReplyErrorPayload | StreamErrorPayload} ErrorPayload
 * @typedef {{ conversationId: string, reason: string }} ResetPayload
 * @typedef {{ reason: 'server_shutdown', retryMs: number }} ShutdownPayload
 *
 * @typedef {{
 *   ready: ReadyPayload,
 *   delta: DeltaPayload,
 *   tool_call: ToolCallPayload,
 *   done: DonePayload,
 *   error: ErrorPayload,
 *   reset: ResetPayload,
 *   shutdown: ShutdownPayload,
 * }} ChatEventMap the named events, each with its JSON data
 *
 * @typedef {{
 *   [K in keyof ChatEventMap]: [type: K, data: ChatEventMap[K], id: string]
 * }[keyof ChatEventMap]} ChatEventArgs an event as `onEvent` receives it
 *
 * @typedef {Partial<DeltaPayload & DonePayload & ReplyErrorPayload>} ReplyEventData
 *   the data of a `delta`, `done` or `error` event, read field by field
 */

export {};
