import { getEventListeners } from 'node:events';
import { LlmError } from './llm-error.js';
import { StreamWatchdog } from './stream-watchdog.js';

/** A call the test settles by hand. */
function manualCall() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Whether a promise has settled, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = {
    settled: false,
  };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('StreamWatchdog', () => {
  let caller: AbortController;
  let watchdog: StreamWatchdog;

  beforeEach(() => {
    vi.useFakeTimers();
    caller = new AbortController();
    watchdog = new StreamWatchdog(
      caller.signal,
      (ms, what) => new LlmError('upstream_timeout', `${what}, ${ms} ms`),
    );
  });
  afterEach(() => {
    watchdog.close();
    vi.useRealTimers();
  });

  it('gives every chunk its full limit, however long the stream runs', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = track(watchdog.watch(call.promise));
    for (let chunk = 0; chunk < 4; chunk++) {
      await vi.advanceTimersByTimeAsync(90);
      watchdog.expect(100, 'idle');
    }
    expect(watched.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(99);
    expect(watched.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(watched.error).toMatchObject({
      code: 'upstream_timeout',
      message: 'idle, 100 ms',
    });
    expect(watchdog.stopped).toBe(true);
    expect(watchdog.signal.aborted).toBe(true);
    expect((watchdog.signal.reason as Error).message).toBe('timeout');
  });

  it('settles as the call does when it ends in time', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = track(watchdog.watch(call.promise));
    await vi.advanceTimersByTimeAsync(50);
    call.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(watched).toEqual({ settled: true, value: undefined });
    expect(watchdog.stopped).toBe(false);
  });

  it('applies a shorter limit at once after a longer one', async () => {
    const call = manualCall();
    watchdog.expect(10_000, 'first');
    const watched = track(watchdog.watch(call.promise));
    watchdog.expect(50, 'idle');
    await vi.advanceTimersByTimeAsync(50);
    expect(watched.error).toMatchObject({ message: 'idle, 50 ms' });
  });

  it('does not count the time the consumer is behind', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = track(watchdog.watch(call.promise));
    watchdog.hold();
    await vi.advanceTimersByTimeAsync(500);
    expect(watched.settled).toBe(false);
    watchdog.expect(100, 'idle');
    await vi.advanceTimersByTimeAsync(99);
    expect(watched.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(watched.error).toMatchObject({ message: 'idle, 100 ms' });
  });

  it('gives up at once when the caller aborts, passing the abort on', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = track(watchdog.watch(call.promise));
    caller.abort(new Error('user left'));
    await vi.advanceTimersByTimeAsync(0);
    expect(watched.error).toMatchObject({ code: 'cancelled' });
    expect(watchdog.stopped).toBe(true);
    expect((watchdog.signal.reason as Error).message).toBe('user left');
    // The call settling later changes nothing, and is not left unhandled.
    call.reject(new Error('aborted'));
    await vi.advanceTimersByTimeAsync(0);
    expect(watched.error).toMatchObject({ code: 'cancelled' });
  });

  it('starts aborted when the caller already aborted', async () => {
    const aborted = new StreamWatchdog(AbortSignal.abort(), () =>
      LlmError.timeout('x'),
    );
    expect(aborted.signal.aborted).toBe(true);
    expect(aborted.stopped).toBe(true);
    await expect(aborted.watch(manualCall().promise)).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('stops as well when its second signal aborts (a revoked key), with that reason, and lets go of both', async () => {
    const revoked = new AbortController();
    const callerListeners = getEventListeners(caller.signal, 'abort').length;
    const both = new StreamWatchdog(
      caller.signal,
      () => LlmError.timeout('x'),
      revoked.signal,
    );
    both.expect(100, 'idle');
    const watched = track(both.watch(manualCall().promise));
    revoked.abort(new LlmError('key_revoked', 'gone'));
    await vi.advanceTimersByTimeAsync(0);
    expect(watched.error).toMatchObject({ code: 'cancelled' });
    expect(both.signal.reason).toMatchObject({ code: 'key_revoked' });
    both.close();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(
      callerListeners,
    );
    expect(getEventListeners(revoked.signal, 'abort')).toHaveLength(0);
  });

  it('starts aborted when its second signal already aborted', async () => {
    const aborted = new StreamWatchdog(
      caller.signal,
      () => LlmError.timeout('x'),
      AbortSignal.abort(new Error('revoked')),
    );
    expect((aborted.signal.reason as Error).message).toBe('revoked');
    await expect(aborted.watch(manualCall().promise)).rejects.toMatchObject({
      code: 'cancelled',
    });
    aborted.close();
  });

  it('passes the call’s failure on, as an Error', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = track(watchdog.watch(call.promise));
    call.reject('plain string');
    await vi.advanceTimersByTimeAsync(0);
    expect(watched.error).toBeInstanceOf(Error);
    expect((watched.error as Error).message).toBe('plain string');
  });

  it('on close, aborts the provider signal and lets go of the caller signal and the timer', async () => {
    const call = manualCall();
    watchdog.expect(100, 'idle');
    const watched = watchdog.watch(call.promise);
    call.resolve();
    await watched;
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    expect(watchdog.stopped).toBe(false);
    watchdog.close();
    expect(watchdog.stopped).toBe(true);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect((watchdog.signal.reason as Error).message).toBe('finished');
    expect(vi.getTimerCount()).toBe(0);
  });
});
