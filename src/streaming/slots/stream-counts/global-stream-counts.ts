/**
 * Open streams per client counted across every instance, and its injection
 * token: MAX_STREAMS_PER_KEY and SSE_MAX_STREAMS_PER_IP then hold for the
 * deployment, not per process. With one process (EVENT_BUS=memory) there is
 * nothing more to count than the StreamRegistry's own counts.
 */
export abstract class GlobalStreamCounts {
  /**
   * Takes one stream for `slot` unless `limit` are open already across
   * instances. Resolves with how many were open when refused, or undefined
   * when taken.
   */
  abstract take(slot: string, limit: number): Promise<number | undefined>;

  /** Gives back one stream taken for `slot`. */
  abstract give(slot: string): void;
}

/** One process: the registry's per-process counts are the global ones. */
export class ProcessStreamCounts extends GlobalStreamCounts {
  take(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }

  give(): void {}
}
