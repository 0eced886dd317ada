import { getEventListeners } from 'node:events';
import { LlmError } from './llm-error.js';
import { StreamWatchdog } from './stream-watchdog.js';

/** An iterator whose results the test hands over one by one. */
class ManualIterator implements AsyncIterator<string> {
  calls = 0;
  private pending: PendingRead[] = [];

  next(): Promise<IteratorResult<string>> {
    this.calls++;
    return new Promise((resolve, reject) =>
      this.pending.push({ resolve, reject }),
    );
  }

  push(value: string): void {
    this.pending.shift()?.resolve({ value, done: false });
  }

  fail(error: unknown): void {
    this.pending.shift()?.reject(error);
  }
}

interface PendingRead {
  resolve: (result: IteratorResult<string>) => void;
  reject: (error: unknown) => void;
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
  let iterator: ManualIterator;
  let watchdog: StreamWatchdog<string>;

  beforeEach(() => {
    vi.useFakeTimers();
    caller = new AbortController();
    iterator = new ManualIterator();
    watchdog = new StreamWatchdog<string>(
      caller.signal,
      (ms, what) => new LlmError('upstream_timeout', `${what}, ${ms} ms`),
    );
  });
  afterEach(() => {
    watchdog.close();
    vi.useRealTimers();
  });

  it('gives every read its full limit, however long the stream runs', async () => {
    for (const word of ['a', 'b', 'c', 'd']) {
      const read = track(watchdog.next(iterator, 100, 'idle'));
      await vi.advanceTimersByTimeAsync(90);
      iterator.push(word);
      await vi.advanceTimersByTimeAsync(0);
      expect(read).toEqual({
        settled: true,
        value: { value: word, done: false },
      });
    }
    const last = track(watchdog.next(iterator, 100, 'idle'));
    await vi.advanceTimersByTimeAsync(99);
    expect(last.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(last.error).toMatchObject({
      code: 'upstream_timeout',
      message: 'idle, 100 ms',
    });
    expect(watchdog.signal.aborted).toBe(true);
    expect((watchdog.signal.reason as Error).message).toBe('timeout');
  });

  it('applies a shorter limit at once after a longer one', async () => {
    const first = track(watchdog.next(iterator, 10_000, 'first'));
    iterator.push('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(first.settled).toBe(true);
    const second = track(watchdog.next(iterator, 50, 'idle'));
    await vi.advanceTimersByTimeAsync(50);
    expect(second.error).toMatchObject({ message: 'idle, 50 ms' });
  });

  it('does not count the time between reads', async () => {
    const first = track(watchdog.next(iterator, 100, 'idle'));
    iterator.push('a');
    await vi.advanceTimersByTimeAsync(500);
    expect(first.settled).toBe(true);
    const second = track(watchdog.next(iterator, 100, 'idle'));
    await vi.advanceTimersByTimeAsync(99);
    iterator.push('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(second.value).toEqual({ value: 'b', done: false });
  });

  it('gives up at once when the caller aborts, passing the abort on', async () => {
    const read = track(watchdog.next(iterator, 100, 'idle'));
    caller.abort(new Error('user left'));
    await vi.advanceTimersByTimeAsync(0);
    expect(read.error).toMatchObject({ code: 'cancelled' });
    expect((watchdog.signal.reason as Error).message).toBe('user left');
    await expect(watchdog.next(iterator, 100, 'idle')).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(iterator.calls).toBe(1);
  });

  it('starts aborted, without reading, when the caller already aborted', async () => {
    const aborted = new StreamWatchdog<string>(AbortSignal.abort(), () =>
      LlmError.timeout('x'),
    );
    expect(aborted.signal.aborted).toBe(true);
    await expect(aborted.next(iterator, 100, 'idle')).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(iterator.calls).toBe(0);
  });

  it('stops as well when its second signal aborts (a revoked key), with that reason, and lets go of both', async () => {
    const revoked = new AbortController();
    const callerListeners = getEventListeners(caller.signal, 'abort').length;
    const both = new StreamWatchdog<string>(
      caller.signal,
      () => LlmError.timeout('x'),
      revoked.signal,
    );
    const read = track(both.next(iterator, 100, 'idle'));
    revoked.abort(new LlmError('key_revoked', 'gone'));
    await vi.advanceTimersByTimeAsync(0);
    expect(read.error).toMatchObject({ code: 'cancelled' });
    expect(both.signal.reason).toMatchObject({ code: 'key_revoked' });
    both.close();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(
      callerListeners,
    );
    expect(getEventListeners(revoked.signal, 'abort')).toHaveLength(0);
  });

  it('starts aborted when its second signal already aborted', async () => {
    const aborted = new StreamWatchdog<string>(
      caller.signal,
      () => LlmError.timeout('x'),
      AbortSignal.abort(new Error('revoked')),
    );
    expect((aborted.signal.reason as Error).message).toBe('revoked');
    await expect(aborted.next(iterator, 100, 'idle')).rejects.toMatchObject({
      code: 'cancelled',
    });
    aborted.close();
  });

  it('passes the iterator failure on, as an Error', async () => {
    const read = track(watchdog.next(iterator, 100, 'idle'));
    iterator.fail('plain string');
    await vi.advanceTimersByTimeAsync(0);
    expect(read.error).toBeInstanceOf(Error);
    expect((read.error as Error).message).toBe('plain string');
  });

  it('on close, aborts the provider signal and lets go of the caller signal and the timer', async () => {
    const read = watchdog.next(iterator, 100, 'idle');
    iterator.push('a');
    await read;
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    watchdog.close();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect((watchdog.signal.reason as Error).message).toBe('finished');
    expect(vi.getTimerCount()).toBe(0);
  });
});
