/**
 * One reply at a time per stored conversation, and its injection token.
 * Beside `ConversationStore`, which keeps history only: a lock is taken
 * before the user's turn is stored and released once the reply is, by
 * whichever instance ran it. Keys are conversation keys (`ownerChannel`),
 * so the same id under two API keys is locked separately.
 */
export abstract class GenerationLock {
  /**
   * Takes the lock for one reply. Returns false when another reply holds it.
   * The lock expires after `ttlMs` so that a crashed instance cannot block a
   * conversation for ever.
   */
  abstract acquire(
    conversation: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean>;

  /** Frees the lock, if `messageId` still holds it. */
  abstract release(conversation: string, messageId: string): Promise<void>;

  /** The reply holding the lock, if any. */
  abstract holder(conversation: string): Promise<string | undefined>;
}
