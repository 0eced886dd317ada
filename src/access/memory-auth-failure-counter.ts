import {
  AuthFailureCounter,
  type AuthFailureWindow,
} from './auth-failure-counter.js';

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * The failures of one process. Windows that ended are swept once the map
 * holds more than `sweepAbove` addresses, so a scan of many addresses costs
 * bounded memory rather than a timer.
 */
export class MemoryAuthFailureCounter extends AuthFailureCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly sweepAbove = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  recordFailure(address: string): Promise<AuthFailureWindow> {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || window.endsAt <= now) {
      if (this.windows.size >= this.sweepAbove) this.sweep(now);
      window = { failures: 0, endsAt: now + this.windowMs };
      this.windows.set(address, window);
    }
    window.failures++;
    return Promise.resolve(this.view(window, now));
  }

  current(address: string): Promise<AuthFailureWindow> {
    const now = this.now();
    const window = this.windows.get(address);
    return Promise.resolve(
      window && window.endsAt > now
        ? this.view(window, now)
        : { failures: 0, resetInMs: 0 },
    );
  }

  private view(window: Window, now: number): AuthFailureWindow {
    return { failures: window.failures, resetInMs: window.endsAt - now };
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(address);
    }
  }
}
