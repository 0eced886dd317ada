import { Logger } from '@nestjs/common';
import type { ConversationStore } from '../conversations/conversation-store.js';
import type { Turn, TurnStatus } from '../conversations/conversation.js';
import type { GenerationLock } from '../conversations/generation-lock/generation-lock.js';
import type { LlmToolCall } from '../llm/llm.types.js';
import { conversationKey, type ReplyConversation } from './conversation-key.js';

/** Which reply to store, and the conversation it belongs to. */
export interface RecordedReply extends ReplyConversation {
  messageId: string;
}

/**
 * Stores a finished reply in its conversation's history and releases the
 * conversation's generation lock, riding out a store that fails for a
 * while (a failover): appends are retried without ever storing a reply
 * twice, and the release is retried in the background.
 */
export class ReplyRecorder {
  private readonly logger = new Logger(ReplyRecorder.name);

  constructor(
    private readonly store: ConversationStore,
    private readonly lock: GenerationLock,
  ) {}

  /**
   * Stores a reply as an assistant turn, with the tools it called (unless
   * its conversation was deleted meanwhile, or it is empty and incomplete),
   * then frees the conversation for its next reply. Never throws: failures
   * are logged.
   */
  async record(
    reply: RecordedReply,
    text: string,
    status: TurnStatus,
    toolCalls?: LlmToolCall[],
  ): Promise<void> {
    try {
      // A conversation deleted while its reply ran stays deleted.
      const exists =
        (await this.store.get(conversationKey(reply))) !== undefined;
      if (exists && (text.length > 0 || status === 'complete')) {
        await this.appendOnce(reply, {
          role: 'assistant',
          content: text,
          ...(toolCalls ? { toolCalls } : {}),
          messageId: reply.messageId,
          status,
          createdAt: new Date().toISOString(),
        });
      }
    } catch (error) {
      this.logger.error(
        `Could not store reply ${reply.messageId}: ${String(error)}`,
      );
    } finally {
      await this.release(reply);
    }
  }

  /**
   * Stores the reply, trying again for a while if the store failed (a
   * failover): a write that failed may still have landed, so the history is
   * read first and the reply is never stored twice.
   */
  private async appendOnce(reply: RecordedReply, turn: Turn): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.append(conversationKey(reply), [turn]);
        return;
      } catch (error) {
        const delay = RELEASE_RETRY_DELAYS_MS[attempt];
        if (attempt >= STORE_ATTEMPTS - 1 || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        const stored = await this.store
          .get(conversationKey(reply))
          .catch(() => undefined);
        if (stored?.turns.some((t) => t.messageId === reply.messageId)) return;
      }
    }
  }

  /**
   * Frees the conversation for its next reply. If the store is unreachable
   * (Redis down) the lock would otherwise block the conversation until it
   * expires, so the release is retried in the background for a while.
   */
  private async release(reply: RecordedReply, attempt = 0): Promise<void> {
    try {
      await this.lock.release(conversationKey(reply), reply.messageId);
    } catch (error) {
      if (attempt >= RELEASE_RETRY_DELAYS_MS.length) {
        this.logger.error(
          `Could not release conversation ${reply.conversationId}: ${String(error)}; it frees itself when the claim expires`,
        );
        return;
      }
      setTimeout(
        () => void this.release(reply, attempt + 1),
        RELEASE_RETRY_DELAYS_MS[attempt],
      ).unref();
    }
  }
}

/** Attempts to store a reply: the first three pauses below, 7.5 s in all. */
const STORE_ATTEMPTS = 4;

/** Pauses between attempts to release a lock while the store is unreachable. */
const RELEASE_RETRY_DELAYS_MS = [500, 2_000, 5_000, 10_000, 20_000, 30_000];
