import { Logger } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { GenerationLock } from '../conversations/generation-lock/generation-lock.js';
import { conversationKey } from './conversation-key.js';
import type {
  GenerationLease,
  GenerationLeases,
  LeasedGeneration,
  LostGeneration,
} from './generation-leases/generation-leases.js';

/**
 * Leases the replies this instance runs, and ends the replies of instances
 * that died: `start()` takes this instance's share of the lapsed leases and
 * hands each reply that was still running to `finishLost`, which ends it
 * for its subscribers as its own instance would have on an error.
 */
export class ReplyLeaseKeeper {
  private readonly logger = new Logger(ReplyLeaseKeeper.name);
  private reaping?: Subscription;

  constructor(
    private readonly leases: GenerationLeases,
    private readonly lock: GenerationLock,
    private readonly finishLost: (lost: LostGeneration) => Promise<void>,
  ) {}

  /**
   * Leases a running reply until the lease is released. `onLost` runs if
   * another instance ended the reply anyway (this one was presumed dead).
   */
  hold(reply: LeasedGeneration, onLost: () => void): GenerationLease {
    return this.leases.hold(reply, onLost);
  }

  /** Starts ending the replies whose instance died. */
  start(): void {
    this.reaping = this.leases
      .lapsed()
      .subscribe((lost) => void this.endLost(lost));
  }

  stop(): void {
    this.reaping?.unsubscribe();
  }

  /** Ends a reply whose instance died, unless it had already ended. */
  private async endLost(lost: LostGeneration): Promise<void> {
    // A stored reply holds its conversation until it has ended: a lock
    // that is gone or another's means the instance died after finishing.
    if (
      lost.persist &&
      (await this.lock.holder(conversationKey(lost)).catch(() => undefined)) !==
        lost.messageId
    )
      return;
    this.logger.warn(
      `Reply ${lost.messageId} in conversation ${lost.conversationId} lost its instance; ending it`,
    );
    await this.finishLost(lost);
  }
}
