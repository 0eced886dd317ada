/** The request body of ERNIE's chat endpoint (access-token API). */
export interface ErnieChatBody {
  messages: { role: 'user' | 'assistant'; content: string }[];
  stream: boolean;
  /** The system prompt: a field of its own, never a role in this API. */
  system?: string;
  user_id?: string;
  /** (0, 1]. */
  temperature?: number;
  /** [0, 1]. */
  top_p?: number;
  max_output_tokens?: number;
}

export interface ErnieUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** One streamed event's JSON, or a whole non-streamed reply. */
export interface ErnieReplyChunk {
  result?: unknown;
  is_end?: unknown;
  is_truncated?: unknown;
  need_clear_history?: unknown;
  finish_reason?: unknown;
  usage?: ErnieUsage;
}

/** What ERNIE sends instead of a reply when it fails (usually with HTTP 200). */
export interface ErnieErrorBody {
  error_code: number | string;
  error_msg?: string;
}
