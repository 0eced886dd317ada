import type { Env } from '../config/settings.js';

/** What the chat services read from the environment. */
export interface ChatSettings {
  /** How long a cancelled reply may take to stop before it is ended anyway. */
  cancelGraceMs: number;
  /** The longest a generation can run (LLM_TOTAL_TIMEOUT_MS). */
  generationTimeoutMs: number;
  /** The gap between `: ping` comments on an idle event stream. */
  heartbeatMs: number;
  /** The `retry:` hint sent to an event stream's client. */
  retryMs: number;
}

export const CHAT_SETTINGS = Symbol('CHAT_SETTINGS');

export const chatSettings = (env: Env): ChatSettings => ({
  cancelGraceMs: env.CANCEL_GRACE_MS,
  generationTimeoutMs: env.LLM_TOTAL_TIMEOUT_MS,
  heartbeatMs: env.SSE_HEARTBEAT_MS,
  retryMs: env.SSE_RETRY_MS,
});
