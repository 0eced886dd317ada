/** A reply's conversation: its id, and its owner's channel when it has one. */
export interface ReplyConversation {
  conversationId: string;
  /** The bus channel of its events, when not the conversation id (a key's own channel). */
  channel?: string;
}

/** The key of a reply's conversation in the store and the lock: its owner's channel. */
export function conversationKey(reply: ReplyConversation): string {
  return reply.channel ?? reply.conversationId;
}
