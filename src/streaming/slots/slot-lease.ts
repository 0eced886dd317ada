import type { ServerResponse } from 'node:http';

/** The response of a stream, as far as the registry needs it. */
export type StreamConnection = Pick<
  ServerResponse,
  'once' | 'writableFinished' | 'destroyed'
>;

/** A claimed stream slot; `release()` is idempotent. */
export interface StreamLease {
  release(): void;
}

/** Where a lease gives its slot back. */
export interface SlotCounts {
  free(slot: string): void;
}

/**
 * A slot held by one stream, for as long as its client stays connected: one
 * object rather than a lease of closures over their own context.
 */
export class SlotLease implements StreamLease {
  private released = false;

  constructor(
    private readonly counts: SlotCounts,
    private readonly slot: string,
    private readonly connection?: StreamConnection,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    const { connection } = this;
    if (!connection || connection.writableFinished || connection.destroyed) {
      this.counts.free(this.slot);
      return;
    }
    let freed = false;
    const once = () => {
      if (freed) return;
      freed = true;
      this.counts.free(this.slot);
    };
    connection.once('finish', once);
    connection.once('close', once);
  }
}
