import type { ChatMessage } from '../llm/llm.types.js';
import type { IncomingMessage } from './incoming-message.js';
import { invalidField } from './invalid-field.js';

export interface MessageLimits {
  /** MAX_HISTORY_MESSAGES */
  maxMessages: number;
  /** MAX_MESSAGE_CHARS */
  maxMessageChars: number;
}

/** Refuses a conversation longer than MAX_HISTORY_MESSAGES (posted, or stored plus new turns). */
export function checkMessageCount(count: number, maxMessages: number): void {
  if (count > maxMessages) {
    invalidField(
      'messages',
      'arrayMaxSize',
      `messages must hold at most ${maxMessages} messages (MAX_HISTORY_MESSAGES)`,
    );
  }
}

/**
 * The rules every posted conversation keeps, with one rule name each for
 * both APIs, and its split into the system text and the turns the model
 * gets. Tool results must answer the assistant turn just before them, and
 * every call must be answered before the conversation moves on, as OpenAI
 * requires: an upstream would refuse anything else mid-way.
 */
export function checkMessages(
  posted: IncomingMessage[],
  limits: MessageLimits,
  {
    continuesHistory = false,
  }: {
    /**
     * The messages follow a stored history: tool results before any other
     * turn may answer its last calls, which the caller checks against it.
     */
    continuesHistory?: boolean;
  } = {},
): { system: string[]; messages: ChatMessage[] } {
  checkMessageCount(posted.length, limits.maxMessages);
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  let pending: { at: number; names: Map<string, string> } | undefined;
  let opening = continuesHistory;
  posted.forEach((message, index) => {
    const at = `messages.${index}`;
    let answers: string | undefined;
    if (message.content.length > limits.maxMessageChars) {
      invalidField(
        `${at}.content`,
        'maxLength',
        `${at}.content must be at most ${limits.maxMessageChars} characters (MAX_MESSAGE_CHARS)`,
      );
    }
    if (message.toolCalls && message.role !== 'assistant') {
      invalidField(
        `${at}.tool_calls`,
        'isAssistant',
        `${at}.tool_calls is only allowed on assistant messages`,
      );
    }
    if (message.role === 'tool') {
      answers = message.toolCallId
        ? pending?.names.get(message.toolCallId)
        : undefined;
      if (answers === undefined && !(opening && !pending)) {
        invalidField(
          `${at}.tool_call_id`,
          'isToolResult',
          `${at}.tool_call_id must answer a tool call of the assistant message before it`,
        );
      }
      pending?.names.delete(message.toolCallId ?? '');
    } else {
      opening = false;
      if (pending && pending.names.size > 0) unanswered(pending.at);
    }
    if (message.role === 'system' || message.role === 'developer') {
      if (message.content) system.push(message.content);
      return;
    }
    const isLast = index === posted.length - 1;
    if (
      message.role === 'user' &&
      (message.content.length === 0 ||
        (isLast && message.content.trim().length === 0))
    ) {
      blank(index);
    }
    if (message.role === 'assistant') {
      pending = message.toolCalls?.length
        ? {
            at: index,
            names: new Map(message.toolCalls.map((c) => [c.id, c.name])),
          }
        : undefined;
      if (!message.content && !message.toolCalls?.length) return;
    }
    // ERNIE v1 names the function a result answers; OpenAI's tool turns do not.
    messages.push(toChatMessage(message, answers));
  });
  if (pending && pending.names.size > 0) unanswered(pending.at);
  const last = posted.at(-1);
  if (last?.role !== 'user' && last?.role !== 'tool') {
    const field = `messages.${posted.length - 1}.role`;
    invalidField(
      field,
      'lastIsUser',
      `${field} must be "user" (or "tool"): the conversation must end with a user message or a tool result`,
    );
  }
  return { system, messages };
}

function toChatMessage(
  message: IncomingMessage,
  answers: string | undefined,
): ChatMessage {
  const { role, content, toolCalls, toolCallId } = message;
  const name = answers ?? message.name;
  return {
    role: role as ChatMessage['role'],
    content,
    ...(toolCalls?.length ? { toolCalls } : {}),
    ...(toolCallId ? { toolCallId } : {}),
    ...(name && role === 'tool' ? { name } : {}),
  };
}

// An empty user turn says nothing. A blank last one leaves the model nothing
// to answer, and the ERNIE providers drop blank turns: the previous question
// would silently be answered a second time.
function blank(index: number): never {
  const field = `messages.${index}.content`;
  return invalidField(
    field,
    'isNotBlank',
    `${field} must contain text, not only whitespace`,
  );
}

function unanswered(index: number): never {
  const field = `messages.${index}.tool_calls`;
  return invalidField(
    field,
    'toolCallsAnswered',
    `${field} must each be answered by a tool message before the next message`,
  );
}
