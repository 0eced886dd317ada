/** One message of ERNIE's chat body; `function` turns carry a function's result. */
export type ErnieMessage =
  | { role: 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      function_call?: { name: string; arguments: string };
    }
  | { role: 'function'; name: string; content: string };

/** A function ERNIE may call (ERNIE 3.5 / 4.0 and ERNIE-Functions models). */
export interface ErnieFunction {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** The request body of ERNIE's chat endpoint (access-token API). */
export interface ErnieChatBody {
  messages: ErnieMessage[];
  stream: boolean;
  /** The system prompt: a field of its own, never a role in this API. */
  system?: string;
  user_id?: string;
  /** (0, 1]. */
  temperature?: number;
  /** [0, 1]. */
  top_p?: number;
  /** [1, 2]. */
  penalty_score?: number;
  stop?: string[];
  max_output_tokens?: number;
  response_format?: 'text' | 'json_object';
  functions?: ErnieFunction[];
  tool_choice?: { type: 'function'; function: { name: string } };
}

export interface ErnieUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** One streamed event's JSON, or a whole non-streamed reply. */
export interface ErnieReplyChunk {
  id?: unknown;
  result?: unknown;
  is_end?: unknown;
  is_truncated?: unknown;
  need_clear_history?: unknown;
  finish_reason?: unknown;
  /** A reply that calls a function instead of answering in text. */
  function_call?: { name?: unknown; arguments?: unknown; thoughts?: unknown };
  usage?: ErnieUsage;
}

/** What ERNIE sends instead of a reply when it fails (usually with HTTP 200). */
export interface ErnieErrorBody {
  error_code: number | string;
  error_msg?: string;
}
