import type { Env } from '../../config/settings.js';

/** What `/v1/responses` reads from the environment. */
export interface ResponsesSettings {
  /** MAX_HISTORY_MESSAGES: a continued conversation keeps its newest turns within it. */
  maxHistoryMessages: number;
}

export const RESPONSES_SETTINGS = Symbol('RESPONSES_SETTINGS');

export const responsesSettings = (env: Env): ResponsesSettings => ({
  maxHistoryMessages: env.MAX_HISTORY_MESSAGES,
});
