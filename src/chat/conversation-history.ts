import type { Turn } from '../conversations/conversation.js';
import type { ChatMessage } from '../llm/llm.types.js';

/**
 * The stored turns as a provider gets them. A turn without text says nothing
 * (a reply stopped before its first word) and is left out. Tool calls go
 * with their results: an assistant turn's calls are replayed only when the
 * tool turns right after it answer every one, as every upstream requires,
 * so a call nobody answered (the user moved on) or whose turn was trimmed
 * away cannot make the conversation unanswerable; the call's text, if any,
 * stays. `dropped` holds the indexes of the turns left out.
 */
export function replayHistory(turns: readonly Turn[]): {
  messages: ChatMessage[];
  dropped: Set<number>;
} {
  const messages: ChatMessage[] = [];
  const dropped = new Set<number>();
  for (let index = 0; index < turns.length; index++) {
    const turn = turns[index];
    if (turn.role === 'tool') {
      dropped.add(index);
      continue;
    }
    if (turn.role === 'assistant' && turn.toolCalls?.length) {
      const calls = turn.toolCalls;
      let end = index + 1;
      while (end < turns.length && turns[end].role === 'tool') end++;
      const results = turns.slice(index + 1, end);
      const answered = calls.every((call) =>
        results.some((result) => result.toolCallId === call.id),
      );
      if (answered) {
        messages.push({
          role: 'assistant',
          content: turn.content,
          toolCalls: calls,
        });
        results.forEach((result, offset) => {
          const call = calls.find((c) => c.id === result.toolCallId);
          if (!call) {
            dropped.add(index + 1 + offset);
            return;
          }
          messages.push({
            role: 'tool',
            content: result.content,
            toolCallId: call.id,
            name: result.name ?? call.name,
          });
        });
      } else {
        if (turn.content.length > 0) {
          messages.push({ role: 'assistant', content: turn.content });
        } else {
          dropped.add(index);
        }
        for (let at = index + 1; at < end; at++) dropped.add(at);
      }
      index = end - 1;
      continue;
    }
    if (turn.content.length === 0) {
      dropped.add(index);
      continue;
    }
    messages.push({ role: turn.role, content: turn.content });
  }
  return { messages, dropped };
}
