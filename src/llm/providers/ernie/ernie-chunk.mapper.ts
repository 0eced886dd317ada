import type { LlmChunk } from '../../llm.types.js';
import type { ErnieReplyChunk } from './ernie-wire.types.js';

/**
 * One ERNIE event (or a whole reply) as the gateway's chunks, without the
 * `finish`: its text, or the function it calls as one tool-call fragment
 * (ERNIE sends a call whole and without an id, so the id is made from the
 * reply's).
 */
export function fromErnieReply(reply: ErnieReplyChunk): LlmChunk[] {
  const chunks: LlmChunk[] = [];
  if (typeof reply.result === 'string' && reply.result.length > 0) {
    chunks.push({ type: 'delta', text: reply.result });
  }
  const call = reply.function_call;
  if (call && typeof call.name === 'string') {
    chunks.push({
      type: 'tool_call',
      index: 0,
      id: `call_${typeof reply.id === 'string' ? reply.id : 'ernie'}`,
      name: call.name,
      argumentsDelta: typeof call.arguments === 'string' ? call.arguments : '',
    });
  }
  return chunks;
}

/** ERNIE's finish reason in OpenAI's words (`normal` is a stop). */
export function ernieFinishReason(reply: ErnieReplyChunk): string {
  const reason = reply.finish_reason;
  if (reason === 'function_call' || reply.function_call) return 'tool_calls';
  if (typeof reason === 'string' && reason && reason !== 'normal')
    return reason;
  if (reply.need_clear_history === true) return 'content_filter';
  if (reply.is_truncated === true) return 'length';
  return 'stop';
}
