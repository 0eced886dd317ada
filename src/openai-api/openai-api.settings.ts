import type { Env } from '../config/settings.js';

/** What the `/v1` API reads from the environment. */
export interface OpenAiApiSettings {
  /** How long a shutdown waits for running completions. */
  shutdownGraceMs: number;
}

export const OPENAI_API_SETTINGS = Symbol('OPENAI_API_SETTINGS');

export const openAiApiSettings = (env: Env): OpenAiApiSettings => ({
  shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
});
