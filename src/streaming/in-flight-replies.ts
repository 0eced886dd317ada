import { Injectable } from '@nestjs/common';
import { SHUTDOWN_REASON } from './reply.js';

/**
 * Every reply run of the process, whichever API started it, and the one
 * shutdown drain: the runs may finish until a deadline, then the rest are
 * aborted with `SHUTDOWN_REASON` and waited for (each still ends as its API
 * ends a stopped reply).
 */
@Injectable()
export class InFlightReplies {
  private readonly runs = new Map<AbortController, Promise<unknown>>();

  get size(): number {
    return this.runs.size;
  }

  /** Tracks `run` until it settles; `controller` aborts it at shutdown. */
  track<T>(controller: AbortController, run: Promise<T>): Promise<T> {
    const tracked = run.finally(() => this.runs.delete(controller));
    this.runs.set(controller, tracked);
    return tracked;
  }

  /** Resolves once every run has settled, stopping those still running after `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    const settled = () =>
      Promise.allSettled(this.runs.values()).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      settled(),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    for (const controller of this.runs.keys())
      controller.abort(SHUTDOWN_REASON);
    await settled();
  }
}
