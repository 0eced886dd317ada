import type { Env } from '../config/settings.js';
import type { MessageLimits } from './message-rules.js';

/** What the request policy reads from the environment. */
export interface RequestPolicySettings extends MessageLimits {
  /** Prepended to every conversation when set. */
  systemPrompt?: string;
}

export const REQUEST_POLICY_SETTINGS = Symbol('REQUEST_POLICY_SETTINGS');

export const requestPolicySettings = (env: Env): RequestPolicySettings => ({
  maxMessages: env.MAX_HISTORY_MESSAGES,
  maxMessageChars: env.MAX_MESSAGE_CHARS,
  systemPrompt: env.SYSTEM_PROMPT,
});
