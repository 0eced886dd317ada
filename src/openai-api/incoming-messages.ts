import type { LlmToolCall } from '../llm/llm.types.js';
import type { IncomingMessage } from '../request-policy/incoming-message.js';
import type { ChatCompletionMessageDto } from './dto/chat-completion-message.dto.js';
import { contentText } from './dto/is-message-content.decorator.js';

/**
 * `/v1` messages in the request policy's form. Legacy function calling
 * becomes tool calling: an assistant `function_call` is a tool call with an
 * id made from its position, and a `function` turn answers the latest
 * call of that name.
 */
export function toIncomingMessages(
  messages: ChatCompletionMessageDto[],
): IncomingMessage[] {
  const legacyIds = new Map<string, string>();
  return messages.map((message, index) => {
    const content = message.content == null ? '' : contentText(message.content);
    if (message.role === 'function') {
      const name = message.name ?? '';
      return {
        role: 'tool',
        content,
        name,
        toolCallId: legacyIds.get(name) ?? `call_unanswerable_${index}`,
      };
    }
    const toolCalls: LlmToolCall[] | undefined = message.function_call
      ? [legacyCall(message.function_call, index)]
      : message.tool_calls?.map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        }));
    for (const call of message.function_call ? (toolCalls ?? []) : []) {
      legacyIds.set(call.name, call.id);
    }
    return {
      role: message.role,
      content,
      ...(toolCalls ? { toolCalls } : {}),
      ...(message.tool_call_id ? { toolCallId: message.tool_call_id } : {}),
    };
  });
}

function legacyCall(
  call: { name: string; arguments: string },
  index: number,
): LlmToolCall {
  return { id: `call_fn_${index}`, name: call.name, arguments: call.arguments };
}
