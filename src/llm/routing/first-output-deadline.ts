/**
 * How long one deployment may take to its first output before the router
 * gives up on it and tries the next (ROUTER_FIRST_TOKEN_TIMEOUT_MS). Its
 * signal aborts the deployment's call when the time is up or the caller
 * aborts; which one happened tells a stalled deployment from a cancelled
 * request. With 0 there is no deadline and the caller's signal is used as is.
 * One timer per call, cleared at the first output.
 */
export class FirstOutputDeadline {
  readonly signal: AbortSignal;
  private expiredFlag = false;
  private timer?: NodeJS.Timeout;
  private forward?: () => void;

  constructor(
    private readonly caller: AbortSignal,
    readonly ms: number,
  ) {
    if (ms <= 0) {
      this.signal = caller;
      return;
    }
    const controller = new AbortController();
    const forward = () => controller.abort(caller.reason);
    this.forward = forward;
    caller.addEventListener('abort', forward, { once: true });
    if (caller.aborted) forward();
    this.timer = setTimeout(() => {
      this.expiredFlag = true;
      controller.abort();
    }, ms);
    this.signal = controller.signal;
  }

  /** The deployment produced nothing in time (the caller had not aborted). */
  get expired(): boolean {
    return this.expiredFlag && !this.caller.aborted;
  }

  /** The first output arrived: the deadline no longer applies. */
  met(): void {
    clearTimeout(this.timer);
  }

  close(): void {
    clearTimeout(this.timer);
    if (this.forward) this.caller.removeEventListener('abort', this.forward);
  }
}
