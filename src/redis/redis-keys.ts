/**
 * The one place that names a conversation's keys and channels. The id sits
 * in a hash tag (`{…}`), so that in a Redis Cluster every key of a
 * conversation lives in the same slot: the Lua scripts and transactions that
 * touch several of them stay single-slot. Conversation ids cannot contain
 * braces (CONVERSATION_ID_PATTERN), so the tag is always the whole id.
 */
export function conversationKey(
  prefix: string,
  conversationId: string,
  kind: string,
): string {
  return `${prefix}conv:{${conversationId}}:${kind}`;
}
