import type { ByteBudget } from '../../common/memory/byte-budget.js';
import { GenerationLock } from './generation-lock.js';

interface Hold {
  messageId: string;
  expiresAt: number;
}

/**
 * The locks of one process. With a memory budget, a conversation whose reply
 * is running is protected from eviction: its history and replay must outlive
 * the reply.
 */
export class MemoryGenerationLock extends GenerationLock {
  private readonly holds = new Map<string, Hold>();

  constructor(
    budget?: ByteBudget,
    private readonly now: () => number = Date.now,
  ) {
    super();
    budget?.register(
      () => undefined,
      (conversation) => this.isHeld(conversation),
    );
  }

  acquire(
    conversation: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean> {
    if (this.isHeld(conversation)) return Promise.resolve(false);
    this.holds.set(conversation, {
      messageId,
      expiresAt: this.now() + ttlMs,
    });
    return Promise.resolve(true);
  }

  release(conversation: string, messageId: string): Promise<void> {
    if (this.holds.get(conversation)?.messageId === messageId) {
      this.holds.delete(conversation);
    }
    return Promise.resolve();
  }

  holder(conversation: string): Promise<string | undefined> {
    return Promise.resolve(
      this.isHeld(conversation)
        ? this.holds.get(conversation)!.messageId
        : undefined,
    );
  }

  private isHeld(conversation: string): boolean {
    const hold = this.holds.get(conversation);
    if (!hold) return false;
    if (hold.expiresAt > this.now()) return true;
    this.holds.delete(conversation);
    return false;
  }
}
