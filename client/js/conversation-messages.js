// @ts-check
/**
 * The messages of a conversation as the page shows them:
 * `{key, role: 'user'|'assistant'|'tool'|'notice', content, status, messageId?,
 * usage?, model?, finishReason?, cancelReason?, error?, kind?, since?,
 * toolCalls?, toolCallId?, toolName?}`, where
 * `status` is `pending` (a user message not yet accepted), `streaming`,
 * `complete`, `cancelled` or `error`.
 */
export const FINAL = new Set(['complete', 'cancelled', 'error']);

let lastKey = 0;
const nextKey = () => `m${++lastKey}`;

export const userMessage = (content) => ({
  key: nextKey(),
  role: 'user',
  content,
  status: 'pending',
});

export const assistantMessage = (messageId) => ({
  key: nextKey(),
  role: 'assistant',
  messageId,
  content: '',
  status: 'streaming',
  since: performance.now(),
});

export const noticeMessage = (kind, content) => ({
  key: nextKey(),
  role: 'notice',
  kind,
  content,
  status: 'complete',
});

/**
 * The server's copy of a conversation (`null` when it does not know it)
 * merged with what the page shows. The server's turns win; kept from the
 * page are: the reply being written, replies that ended a moment ago (the
 * snapshot may predate their storing) or were never stored (an error before
 * any text), and user messages not yet accepted. A reply that was already on
 * screen when the snapshot was asked for, and that the server neither runs
 * nor stored, ended unseen (the server crashed): it is marked interrupted
 * rather than left spinning.
 *
 * @returns {{messages: object[], activeMessageId?: string}}
 */
export function mergeHistory(shown, conversation, requestedAt) {
  const local = shown.filter((m) => m.role !== 'notice');
  if (!conversation) {
    // Nothing to merge with: what the page shows is all there is.
    const messages = local.map((m) =>
      interruptIfGone(m, undefined, requestedAt),
    );
    const writing = messages.find(
      (m) => m.role === 'assistant' && !FINAL.has(m.status),
    );
    return { messages, activeMessageId: writing?.messageId };
  }
  const byMessageId = new Map(
    local.filter((m) => m.messageId).map((m) => [m.messageId, m]),
  );
  // A tool result shows the name of the call it answers.
  const callNames = new Map();
  const messages = conversation.turns.map((turn) => {
    const known = turn.messageId ? byMessageId.get(turn.messageId) : undefined;
    byMessageId.delete(turn.messageId);
    for (const call of turn.toolCalls ?? []) callNames.set(call.id, call.name);
    return {
      ...known,
      key: known?.key ?? nextKey(),
      role: turn.role,
      messageId: turn.messageId,
      content: turn.content,
      status: turn.status ?? 'complete',
      ...(turn.toolCalls ? { toolCalls: turn.toolCalls } : {}),
      ...(turn.role === 'tool'
        ? {
            toolCallId: turn.toolCallId,
            toolName: turn.name ?? callNames.get(turn.toolCallId),
          }
        : {}),
    };
  });
  const active = conversation.activeMessageId;
  for (const message of byMessageId.values()) {
    messages.push(interruptIfGone(message, active, requestedAt));
  }
  if (active && !messages.some((m) => m.messageId === active)) {
    messages.push(assistantMessage(active));
  }
  messages.push(...local.filter((m) => m.status === 'pending'));
  const activeMessage = messages.find((m) => m.messageId === active);
  return {
    messages,
    activeMessageId:
      activeMessage && !FINAL.has(activeMessage.status) ? active : undefined,
  };
}

function interruptIfGone(message, active, requestedAt) {
  if (
    message.role === 'assistant' &&
    message.messageId !== active &&
    !FINAL.has(message.status) &&
    message.since < requestedAt
  ) {
    message.status = 'error';
    message.error = { code: 'interrupted' };
  }
  return message;
}
