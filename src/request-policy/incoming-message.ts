import type { LlmToolCall } from '../llm/llm.types.js';

/**
 * A message as either API posted it, after its own DTO's checks: `content`
 * is the text (parts joined), legacy `function_call`/`function` turns are
 * already tool calls and tool results. Positions are the client's, so that
 * errors name the field the client sent.
 */
export interface IncomingMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string;
  toolCalls?: LlmToolCall[];
  toolCallId?: string;
  name?: string;
}
