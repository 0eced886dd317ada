/** Where an address stands: its failures in the current window, and when the window ends. */
export interface AuthFailureWindow {
  failures: number;
  resetInMs: number;
}

/**
 * Counts failed authentications per client address, in fixed windows, and
 * its injection token. In memory by default; a shared store (Redis) can
 * implement it so that every instance counts together.
 */
export abstract class AuthFailureCounter {
  /** Counts one failure of `address`; returns its window after it. */
  abstract recordFailure(address: string): Promise<AuthFailureWindow>;

  /** The current window of `address` (no failure: zero). */
  abstract current(address: string): Promise<AuthFailureWindow>;
}
