import type {
  ChatMessage,
  LlmRequest,
  LlmToolChoice,
  MaxTokensField,
} from '../../llm.types.js';
import { modelInput } from '../shared/alternating-turns.js';

export interface OpenAiRequestOptions {
  model: string;
  /** Apply ERNIE's turn rules (the ERNIE models behind Qianfan v2 keep them). */
  alternatingTurns: boolean;
  /** Input characters the model accepts; older exchanges are dropped past it. */
  maxInputChars: number;
  /** The name the upstream takes for the token limit; absent: the one the client used. */
  maxTokensField?: MaxTokensField;
}

type Json = Record<string, unknown>;

/**
 * The body of a streamed Chat Completions request for `request`, as plain
 * JSON: every parameter the request carries under the name the upstream
 * takes (the request policy has already refused what it cannot take, see
 * `PARAMETER_FATES`), the history trimmed to the model's input limit.
 */
export function toOpenAiRequestBody(
  request: LlmRequest,
  options: OpenAiRequestOptions,
): Json {
  const { system, turns } = modelInput(request, {
    alternating: options.alternatingTurns,
    maxInputChars: options.maxInputChars,
  });
  const maxTokensField =
    options.maxTokensField ?? request.maxTokensField ?? 'max_completion_tokens';
  return definedOnly({
    model: options.model,
    messages: [
      ...(system ? [{ role: 'system', content: system }] : []),
      ...turns.map(toOpenAiMessage),
    ],
    stream: true,
    stream_options: { include_usage: true },
    user: request.userId,
    temperature: request.temperature,
    top_p: request.topP,
    [maxTokensField]: request.maxTokens,
    stop: request.stop,
    seed: request.seed,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
    response_format: request.responseFormat,
    tools: request.tools?.map((tool) => ({
      type: 'function',
      function: definedOnly({ ...tool }),
    })),
    tool_choice: toOpenAiToolChoice(request.toolChoice),
    parallel_tool_calls: request.parallelToolCalls,
    ...request.passthrough,
  });
}

export function toOpenAiMessage(message: ChatMessage): Json {
  switch (message.role) {
    case 'tool':
      return {
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.content,
      };
    case 'assistant':
      if (!message.toolCalls?.length) {
        return { role: 'assistant', content: message.content };
      }
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    default:
      return { role: 'user', content: message.content };
  }
}

function toOpenAiToolChoice(choice: LlmToolChoice | undefined): unknown {
  if (choice === undefined || typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function definedOnly(value: Json): Json {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  );
}
