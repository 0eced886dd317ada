import type { Observable, Subscription } from 'rxjs';
import { eventually } from './sse-client.js';

/** Values an Observable emitted so far, for assertions, and whether it ended. */
export class Collected<T> {
  readonly values: T[] = [];
  completed = false;
  error: unknown;
  private readonly subscription: Subscription;

  constructor(source: Observable<T>) {
    this.subscription = source.subscribe({
      next: (value) => this.values.push(value),
      complete: () => (this.completed = true),
      error: (error: unknown) => (this.error = error),
    });
  }

  /** Waits (polling with a deadline) until `predicate` holds for what arrived. */
  async until(
    predicate: (values: T[]) => boolean,
    what = 'values',
    timeoutMs = 10_000,
  ): Promise<void> {
    await eventually(() => predicate(this.values), timeoutMs, what).catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)}; got ${JSON.stringify(this.values.slice(-20))}`,
        );
      },
    );
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }
}
