export type ChatRole = 'user' | 'assistant';

/** One turn of a conversation, as every provider receives it. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface LlmRequest {
  /** The conversation so far, oldest first, ending with the user's new message. */
  messages: ChatMessage[];
  /** Optional system prompt; providers place it where their API wants it. */
  system?: string;
  /** Opaque end-user id some upstreams accept for abuse tracking. */
  userId?: string;
  /**
   * Sampling settings a client asked for (the OpenAI-compatible route passes
   * them on). Providers forward those their API has and ignore the others;
   * absent means the upstream's default.
   */
  temperature?: number;
  topP?: number;
  /** Most tokens to generate. */
  maxTokens?: number;
}

/**
 * What a provider yields: zero or more text deltas, then exactly one `finish`.
 * Failures are thrown as `LlmError`.
 */
export type LlmChunk =
  | { type: 'delta'; text: string }
  | { type: 'finish'; finishReason: string; usage?: LlmUsage };

/** Timeouts and retry policy shared by every provider. */
export interface LlmCallPolicy {
  connectTimeoutMs: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}
