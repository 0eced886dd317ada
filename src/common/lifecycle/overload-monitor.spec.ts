import { OverloadMonitor } from './overload-monitor.js';

const configWith = (
  overloadEventLoopDelayMs: number,
  overloadEventLoopUtilization = 0,
) => ({ overloadEventLoopDelayMs, overloadEventLoopUtilization });

/** Keeps the event loop busy, as a flood of work would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('OverloadMonitor', () => {
  it('turns overloaded while the event loop lags past the threshold, and back once it catches up', async () => {
    const monitor = new OverloadMonitor(configWith(50));
    monitor.onApplicationBootstrap();
    try {
      expect(monitor.overloaded).toBe(false);
      await vi.waitFor(
        () => {
          block(400);
          expect(monitor.overloaded).toBe(true);
        },
        { timeout: 10_000, interval: 0 },
      );
      expect(monitor.eventLoopDelayMs).toBeGreaterThan(50);
      await vi.waitFor(() => expect(monitor.overloaded).toBe(false), {
        timeout: 10_000,
      });
    } finally {
      monitor.onApplicationShutdown();
    }
  });

  it('turns overloaded while the loop is never idle, though each turn is short, and back once it idles', async () => {
    // Delay threshold out of reach: only the utilisation can trip it.
    const monitor = new OverloadMonitor(configWith(10_000, 0.9));
    monitor.onApplicationBootstrap();
    try {
      // Turns of 5 ms back to back, as a saturated server's are: timers stay
      // a few milliseconds late, and the loop never waits for I/O.
      const deadline = Date.now() + 10_000;
      while (!monitor.overloaded && Date.now() < deadline) {
        block(5);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(monitor.overloaded).toBe(true);
      expect(monitor.eventLoopDelayMs).toBeLessThan(10_000);
      expect(monitor.eventLoopUtilization).toBeGreaterThanOrEqual(0.9);
      await vi.waitFor(() => expect(monitor.overloaded).toBe(false), {
        timeout: 10_000,
      });
      expect(monitor.eventLoopUtilization).toBeLessThan(0.9);
    } finally {
      monitor.onApplicationShutdown();
    }
  });

  it('never reports an overload when turned off (0)', () => {
    const monitor = new OverloadMonitor(configWith(0));
    monitor.onApplicationBootstrap();
    block(300);
    expect(monitor.overloaded).toBe(false);
    monitor.onApplicationShutdown();
  });
});
