import { LlmError } from '../../llm-error.js';
import type { ChatMessage, LlmRequest } from '../../llm.types.js';

/**
 * ERNIE's turn rules (the access-token API, and ERNIE models behind Qianfan
 * v2): an odd number of messages alternating `user`, `assistant`, … starting
 * and ending with `user`, none empty. A tool result stands on the user's
 * side (ERNIE v1's `function` turn does). The chat path may hand over
 * anything a client posted, so the history is normalised rather than
 * refused: empty turns are dropped, consecutive text turns of one role
 * merged, and assistant turns before the first or after the last user turn
 * dropped. Tool calls and results are never merged away.
 */
export function toAlternatingTurns(messages: ChatMessage[]): ChatMessage[] {
  const turns: ChatMessage[] = [];
  for (const message of messages) {
    const isText = message.role !== 'tool' && !message.toolCalls?.length;
    if (isText && message.content.trim().length === 0) continue;
    const previous = turns.at(-1);
    if (previous && previous.role === message.role && message.role !== 'tool') {
      turns[turns.length - 1] = merge(previous, message);
    } else if (previous || message.role === 'user') {
      turns.push(message);
    }
  }
  while (turns.at(-1)?.role === 'assistant') turns.pop();
  if (turns.length === 0) {
    throw new LlmError(
      'upstream_bad_request',
      'The conversation has no user message to answer.',
    );
  }
  return turns;
}

function merge(previous: ChatMessage, next: ChatMessage): ChatMessage {
  const content = [previous.content, next.content]
    .filter((text) => text.length > 0)
    .join('\n\n');
  const toolCalls = [...(previous.toolCalls ?? []), ...(next.toolCalls ?? [])];
  return {
    role: next.role,
    content,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}

/**
 * Drops the oldest exchanges (a user turn and everything up to the next user
 * turn: the answer, tool calls and their results, so the rules still hold
 * and no call loses its result) until the input fits in `maxChars`,
 * counting the system prompt too. The last exchange is never dropped: when
 * it alone does not fit, the request fails before reaching the model.
 */
export function trimToInputLimit(
  turns: ChatMessage[],
  system: string | undefined,
  maxChars: number,
): ChatMessage[] {
  const starts = turns.flatMap((turn, i) =>
    i === 0 || turn.role === 'user' ? [i] : [],
  );
  const sizes = turns.map(messageChars);
  let total =
    (system ? characterCount(system) : 0) +
    sizes.reduce((sum, size) => sum + size, 0);
  let exchange = 0;
  while (total > maxChars && exchange < starts.length - 1) {
    for (let i = starts[exchange]; i < starts[exchange + 1]; i++) {
      total -= sizes[i];
    }
    exchange++;
  }
  if (total > maxChars) {
    throw new LlmError(
      'upstream_input_too_long',
      `The message is too long for the model: ${total} characters with the instructions, at most ${maxChars}.`,
      { upstreamCode: 'input_too_long' },
    );
  }
  return exchange === 0 ? turns : turns.slice(starts[exchange]);
}

function messageChars(message: ChatMessage): number {
  return (message.toolCalls ?? []).reduce(
    (sum, call) =>
      sum + characterCount(call.name) + characterCount(call.arguments),
    characterCount(message.content),
  );
}

/**
 * What a provider sends of a request's conversation: the system prompt (if
 * not blank) and the turns, under ERNIE's rules when `alternating`, trimmed
 * to `maxInputChars`. One place for every provider, so that each trims.
 */
export function modelInput(
  request: LlmRequest,
  options: { alternating: boolean; maxInputChars: number },
): { system?: string; turns: ChatMessage[] } {
  const system = request.system?.trim() ? request.system : undefined;
  const turns = trimToInputLimit(
    options.alternating
      ? toAlternatingTurns(request.messages)
      : request.messages,
    system,
    options.maxInputChars,
  );
  return { system, turns };
}

/** Characters as a person counts them (code points, not UTF-16 units). */
export function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc00 || code > 0xdfff) count++;
  }
  return count;
}
