import { LlmError } from '../../llm-error.js';
import type { ChatMessage, LlmRequest } from '../../llm.types.js';
import { modelInput } from '../shared/alternating-turns.js';
import type { ErnieChatBody, ErnieMessage } from './ernie-wire.types.js';

/**
 * The body of an ERNIE v1 chat request, as plain JSON, per the parameter
 * table (`PARAMETER_FATES`): OpenAI's tools become `functions`, tool calls
 * an assistant `function_call`, tool results `function` turns. With
 * functions the call is not streamed (some models call functions only
 * then); the gateway still streams the result to its clients. The history
 * keeps ERNIE's turn rules and is trimmed to the model's input limit.
 */
export function toErnieChatBody(
  request: LlmRequest,
  maxInputChars: number,
): ErnieChatBody {
  const { system, turns } = modelInput(request, {
    alternating: true,
    maxInputChars,
  });
  const choice = request.toolChoice;
  const functions =
    request.tools && choice !== 'none'
      ? request.tools.map(({ name, description, parameters }) => ({
          name,
          ...(description !== undefined ? { description } : {}),
          ...(parameters !== undefined ? { parameters } : {}),
        }))
      : undefined;
  const format = request.responseFormat?.type;
  return {
    messages: turns.map(toErnieMessage),
    stream: functions === undefined,
    ...(system ? { system } : {}),
    ...(request.userId ? { user_id: request.userId } : {}),
    // ERNIE takes (0, 1] where OpenAI clients send [0, 2]: clamp, never refuse.
    ...(request.temperature !== undefined
      ? { temperature: Math.min(1, Math.max(0.01, request.temperature)) }
      : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    // OpenAI's [0, 2] onto ERNIE's [1, 2]; negative values are refused earlier.
    ...(request.frequencyPenalty !== undefined
      ? { penalty_score: 1 + Math.max(0, request.frequencyPenalty) / 2 }
      : {}),
    ...(request.stop ? { stop: request.stop } : {}),
    ...(request.maxTokens !== undefined
      ? { max_output_tokens: request.maxTokens }
      : {}),
    ...(format === 'text' || format === 'json_object'
      ? { response_format: format }
      : {}),
    ...(functions ? { functions } : {}),
    ...(functions && typeof choice === 'object'
      ? { tool_choice: { type: 'function', function: { name: choice.name } } }
      : {}),
  };
}

function toErnieMessage(message: ChatMessage): ErnieMessage {
  if (message.role === 'tool') {
    return {
      role: 'function',
      name: message.name ?? '',
      content: message.content,
    };
  }
  if (message.role === 'user')
    return { role: 'user', content: message.content };
  const calls = message.toolCalls ?? [];
  if (calls.length > 1) {
    throw new LlmError(
      'upstream_bad_request',
      'ERNIE takes one function call per assistant message; this conversation has several.',
    );
  }
  return calls.length === 0
    ? { role: 'assistant', content: message.content }
    : {
        role: 'assistant',
        content: message.content,
        function_call: { name: calls[0].name, arguments: calls[0].arguments },
      };
}
