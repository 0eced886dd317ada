import { OverloadMonitor } from './overload-monitor.js';

const configWith = (overloadEventLoopDelayMs: number) => ({
  overloadEventLoopDelayMs,
});

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

  it('never reports an overload when turned off (0)', () => {
    const monitor = new OverloadMonitor(configWith(0));
    monitor.onApplicationBootstrap();
    block(300);
    expect(monitor.overloaded).toBe(false);
    monitor.onApplicationShutdown();
  });
});
