import type { LlmToolCall } from '../../llm/llm.types.js';
import type { IncomingMessage } from '../../request-policy/incoming-message.js';
import type {
  FunctionCallItemDto,
  FunctionCallOutputItemDto,
  InputMessageItemDto,
} from './dto/input-item.dto.js';
import { responseContentText } from './dto/response-content.validator.js';

/** An input item after `item_reference`s were replaced by the items they name. */
export type ConversationItem =
  InputMessageItemDto | FunctionCallItemDto | FunctionCallOutputItemDto;

/** An item and the path the client sent it at (`input.3`, or `input` for a string). */
export interface PlacedItem {
  item: ConversationItem;
  path: string;
}

/** Where a message of the request policy came from, to name it in a refusal. */
interface Origin {
  path: string;
  kind: 'message' | 'calls' | 'output' | 'whole';
}

/** The request policy's messages for a response, and where each came from. */
export interface ResponseConversation {
  messages: IncomingMessage[];
  origins: Origin[];
}

/**
 * The conversation of a response in the request policy's form: the
 * `instructions`, the stored conversation of `previous_response_id`, then
 * the input. Messages keep their roles (`system` and `developer` become the
 * system prompt there); consecutive `function_call` items are one assistant
 * turn with those calls (joined to the assistant message before them, as
 * chat completions carry text and calls in one turn), and each
 * `function_call_output` is the `tool` turn answering its call.
 */
export function toResponseConversation(
  instructions: string | undefined,
  history: IncomingMessage[],
  input: PlacedItem[],
): ResponseConversation {
  const messages: IncomingMessage[] = [];
  const origins: Origin[] = [];
  const push = (message: IncomingMessage, origin: Origin) => {
    messages.push(message);
    origins.push(origin);
  };
  if (instructions) {
    push(
      { role: 'system', content: instructions },
      { path: 'instructions', kind: 'whole' },
    );
  }
  for (const message of history) {
    push(message, { path: 'previous_response_id', kind: 'whole' });
  }
  for (const { item, path } of input) {
    if (item.type === 'function_call') {
      const call: LlmToolCall = {
        id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      };
      const last = messages.at(-1);
      if (
        last?.role === 'assistant' &&
        origins.at(-1)?.path !== 'previous_response_id'
      ) {
        last.toolCalls = [...(last.toolCalls ?? []), call];
      } else {
        push(
          { role: 'assistant', content: '', toolCalls: [call] },
          { path, kind: 'calls' },
        );
      }
    } else if (item.type === 'function_call_output') {
      push(
        {
          role: 'tool',
          content: responseContentText(item.output),
          toolCallId: item.call_id,
        },
        { path, kind: 'output' },
      );
    } else {
      push(
        { role: item.role, content: responseContentText(item.content) },
        { path, kind: path === 'input' ? 'whole' : 'message' },
      );
    }
  }
  return { messages, origins };
}

/** The turn a reply adds to the conversation, as a continuation replays it. */
export function replyTurn(reply: {
  text: string;
  toolCalls: LlmToolCall[];
}): IncomingMessage {
  return {
    role: 'assistant',
    content: reply.text,
    ...(reply.toolCalls.length > 0 ? { toolCalls: reply.toolCalls } : {}),
  };
}

const MESSAGE_FIELD = /^messages\.(\d+)(\..*)?$/;

/** What a message's field is called in the item it came from. */
const SUFFIXES: Record<Origin['kind'], Record<string, string>> = {
  message: {},
  calls: { '.tool_calls': '', '.content': '' },
  output: { '.content': '.output', '.tool_call_id': '.call_id' },
  whole: {
    '.content': '',
    '.role': '',
    '.tool_calls': '',
    '.tool_call_id': '',
  },
};

/**
 * Names a field of the policy's `messages` as the client sent it: the item
 * of `input` (`input.3.output`), `instructions`, or `previous_response_id`
 * for the stored conversation; `messages` itself (the count) is `input`.
 */
export function inputFieldName(
  conversation: ResponseConversation,
  field: string,
): string | undefined {
  if (field === 'messages') return 'input';
  const match = MESSAGE_FIELD.exec(field);
  const origin = match ? conversation.origins[Number(match[1])] : undefined;
  if (!match || !origin) return undefined;
  const suffix = match[2] ?? '';
  return origin.path + (SUFFIXES[origin.kind][suffix] ?? suffix);
}

/**
 * The newest turns of a stored conversation that fit in `room` messages
 * (MAX_HISTORY_MESSAGES less the new ones), starting at a user turn so that
 * no tool result or reply is kept without what it answers.
 */
export function recentTurns(
  history: IncomingMessage[],
  room: number,
): IncomingMessage[] {
  if (history.length <= room) return history;
  let start = history.length - Math.max(0, room);
  while (start < history.length && history[start].role !== 'user') start++;
  return history.slice(start);
}
