import { EMPTY, type Observable } from 'rxjs';

/** A running reply, as another instance needs it to end it. */
export interface LeasedGeneration {
  conversationId: string;
  /** The bus channel of its events, when not the conversation id (a key's own channel). */
  channel?: string;
  messageId: string;
  /** The reply is stored in the conversation's history, which it holds. */
  persist: boolean;
}

/** A reply whose instance stopped renewing its lease: presumed dead. */
export interface LostGeneration extends LeasedGeneration {
  /** The text its subscribers had received. */
  text: string;
}

/** Held while a generation runs; `release()` when it has ended. */
export interface GenerationLease {
  release(): Promise<void>;
}

/**
 * Leases on running replies, and its injection token. The instance that
 * runs a reply renews its lease; when an instance dies its leases lapse and
 * `lapsed()` hands each of them to exactly one other instance, which ends
 * the reply for its subscribers (`generation_lost`). With one process
 * (EVENT_BUS=memory) a dead instance takes its subscribers with it: nothing
 * is leased.
 */
export abstract class GenerationLeases {
  /**
   * Leases `generation` until released. `onLost` runs if the lease lapsed
   * anyway (this instance was stalled or cut off from Redis for longer than
   * the lease) and another instance has ended the reply: this one must stop
   * it without a word.
   */
  abstract hold(
    generation: LeasedGeneration,
    onLost: () => void,
  ): GenerationLease;

  /** Replies of instances that died, each given to one instance only. */
  abstract lapsed(): Observable<LostGeneration>;
}

/** One process: nothing to lease. */
export class ProcessGenerationLeases extends GenerationLeases {
  hold(): GenerationLease {
    return { release: () => Promise.resolve() };
  }

  lapsed(): Observable<LostGeneration> {
    return EMPTY;
  }
}
