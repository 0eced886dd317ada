import { LlmError } from '../../llm-error.js';
import type { ChatMessage } from '../../llm.types.js';

/**
 * ERNIE's turn rules (the access-token API, and ERNIE models behind Qianfan
 * v2): an odd number of messages alternating `user`, `assistant`, … starting
 * and ending with `user`, none empty. The chat path may hand over anything a
 * client posted, so the history is normalised rather than refused: empty
 * turns are dropped, consecutive turns of one role merged, and assistant
 * turns before the first or after the last user turn dropped.
 */
export function toAlternatingTurns(messages: ChatMessage[]): ChatMessage[] {
  const turns: ChatMessage[] = [];
  for (const message of messages) {
    if (message.content.trim().length === 0) continue;
    const previous = turns.at(-1);
    if (previous?.role === message.role) {
      turns[turns.length - 1] = {
        role: message.role,
        content: `${previous.content}\n\n${message.content}`,
      };
    } else if (previous || message.role === 'user') {
      turns.push({ role: message.role, content: message.content });
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

/**
 * Drops the oldest exchanges (a user turn and its answer, so the rules still
 * hold) until the input fits in `maxChars`, counting the system prompt too.
 * The last user turn is never dropped: when it alone does not fit, the
 * request fails before reaching the model.
 */
export function trimToInputLimit(
  turns: ChatMessage[],
  system: string | undefined,
  maxChars: number,
): ChatMessage[] {
  const systemChars = system ? characterCount(system) : 0;
  const sizes = turns.map((turn) => characterCount(turn.content));
  let total = systemChars + sizes.reduce((sum, size) => sum + size, 0);
  let start = 0;
  while (total > maxChars && start < turns.length - 1) {
    total -= sizes[start] + sizes[start + 1];
    start += 2;
  }
  if (total > maxChars) {
    throw new LlmError(
      'upstream_input_too_long',
      `The message is too long for the model: ${total} characters with the instructions, at most ${maxChars}.`,
      { upstreamCode: 'input_too_long' },
    );
  }
  return start === 0 ? turns : turns.slice(start);
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
