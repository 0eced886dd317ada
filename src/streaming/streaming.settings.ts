import type { Env } from '../config/settings.js';

/** What the streaming core reads from the environment. */
export interface StreamingSettings {
  /** How long running replies and open streams get to finish at shutdown (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
  /** Characters of events that may wait for a subscriber not reading before it is dropped (SSE_MAX_PENDING_CHARS). */
  maxPendingChars: number;
}

export const STREAMING_SETTINGS = Symbol('STREAMING_SETTINGS');

export const streamingSettings = (env: Env): StreamingSettings => ({
  shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  maxPendingChars: env.SSE_MAX_PENDING_CHARS,
});
