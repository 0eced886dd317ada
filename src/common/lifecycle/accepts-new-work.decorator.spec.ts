import { AcceptingNewWorkGuard } from './accepts-new-work.decorator.js';
import { AppLifecycle } from './app-lifecycle.service.js';
import type { OverloadMonitor } from './overload-monitor.js';

describe('AcceptingNewWorkGuard', () => {
  it('lets new work in while the process accepts it', () => {
    const guard = new AcceptingNewWorkGuard(
      new AppLifecycle({ overloaded: false } as OverloadMonitor),
    );
    expect(guard.canActivate()).toBe(true);
  });

  it('refuses it with 503 overloaded and a Retry-After while overloaded', () => {
    const guard = new AcceptingNewWorkGuard(
      new AppLifecycle({ overloaded: true } as OverloadMonitor),
    );
    expect(() => guard.canActivate()).toThrow(
      expect.objectContaining({
        code: 'overloaded',
        status: 503,
        details: { retryAfterSeconds: 1 },
      }),
    );
  });

  it('refuses it with 503 shutting_down while draining', () => {
    const lifecycle = new AppLifecycle();
    lifecycle.beginDraining();
    expect(() => new AcceptingNewWorkGuard(lifecycle).canActivate()).toThrow(
      expect.objectContaining({ code: 'shutting_down', status: 503 }),
    );
  });
});
