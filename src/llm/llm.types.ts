/** The roles of plain-text turns (what a stored conversation holds). */
export type ChatRole = 'user' | 'assistant';
/** Every role a provider receives: text turns and tool results. */
export type MessageRole = ChatRole | 'tool';

/** A function the model asked to call, with its arguments as a JSON string. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One turn of a conversation, as every provider receives it. */
export interface ChatMessage {
  role: MessageRole;
  content: string;
  /** An assistant turn that called tools (its `content` may then be empty). */
  toolCalls?: LlmToolCall[];
  /** A `tool` turn: the call it answers. */
  toolCallId?: string;
  /** A `tool` turn: the function's name, when the client gave it (ERNIE v1 needs it). */
  name?: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** A function the model may call (OpenAI's `tools[].function`). */
export interface LlmTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

/** `none`, `auto`, `required`, or one named function. */
export type LlmToolChoice = 'none' | 'auto' | 'required' | { name: string };

export type LlmResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: Record<string, unknown> };

/** The name under which the client sent its token limit; forwarded as sent where the upstream takes both. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

export interface LlmRequest {
  /** The public model name the router serves the request with; absent: the default model. */
  model?: string;
  /** The conversation so far, oldest first, ending with a user or tool message. */
  messages: ChatMessage[];
  /** Optional system prompt; providers place it where their API wants it. */
  system?: string;
  /**
   * The id of the API key the call is made for (the request's principal):
   * its models, budget and limits apply and its usage is counted. Absent:
   * the API is open. Providers ignore it.
   */
  keyId?: string;
  /** Opaque end-user id some upstreams accept for abuse tracking. */
  userId?: string;
  /**
   * Generation settings a client asked for. Which provider takes which, and
   * under what name, is `PARAMETER_FATES`: the request policy refuses what
   * the configured provider cannot honour, so a provider sees only what it
   * maps. Absent means the upstream's default.
   */
  temperature?: number;
  topP?: number;
  /** Most tokens to generate. */
  maxTokens?: number;
  maxTokensField?: MaxTokensField;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: LlmResponseFormat;
  tools?: LlmTool[];
  toolChoice?: LlmToolChoice;
  parallelToolCalls?: boolean;
  /**
   * OpenAI-only parameters (`logit_bias`, `reasoning_effort`, `metadata`…),
   * already validated, under their OpenAI names: forwarded as they are by the
   * providers whose fate for them is `forward`.
   */
  passthrough?: Record<string, unknown>;
}

export interface LlmRouteChunk {
  type: 'route';
  model: string;
  deployment: string;
}

/**
 * A fragment of a tool call, framed as OpenAI streams them: the first
 * fragment of call `index` carries its `id` and `name`, later ones only more
 * of the arguments' JSON text.
 */
export interface LlmToolCallDelta {
  type: 'tool_call';
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/**
 * What a provider yields: zero or more text deltas and tool-call fragments,
 * then exactly one `finish` (`stop`, `length`, `tool_calls`…). Failures are
 * thrown as `LlmError`.
 */
export type LlmChunk =
  | { type: 'delta'; text: string }
  /**
   * From the router, just before the first output of a call: which model
   * and deployment answer (after any fallback). It is not output itself.
   */
  | LlmRouteChunk
  | LlmToolCallDelta
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
