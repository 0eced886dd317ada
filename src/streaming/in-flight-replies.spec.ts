import { InFlightReplies } from './in-flight-replies.js';
import { SHUTDOWN_REASON } from './reply.js';

/** A run that ends when told to, or when its controller is aborted. */
function run() {
  const controller = new AbortController();
  let finish!: () => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve('finished');
    controller.signal.addEventListener('abort', () =>
      reject(controller.signal.reason),
    );
  });
  return { controller, done, finish };
}

describe('InFlightReplies', () => {
  it('tracks a run until it settles, and passes its outcome through', async () => {
    const replies = new InFlightReplies();
    const a = run();
    const tracked = replies.track(a.controller, a.done);
    expect(replies.size).toBe(1);
    a.finish();
    await expect(tracked).resolves.toBe('finished');
    expect(replies.size).toBe(0);
  });

  it('lets runs that finish before the deadline finish, aborting none', async () => {
    const replies = new InFlightReplies();
    const a = run();
    void replies.track(a.controller, a.done);
    const drained = replies.drain(60_000);
    a.finish();
    await drained;
    expect(a.controller.signal.aborted).toBe(false);
  });

  it('aborts the runs left at the deadline with the shutdown reason, and waits for them', async () => {
    const replies = new InFlightReplies();
    const a = run();
    const tracked = replies.track(a.controller, a.done);
    tracked.catch(() => undefined);
    await replies.drain(0);
    expect(a.controller.signal.reason).toBe(SHUTDOWN_REASON);
    await expect(tracked).rejects.toBe(SHUTDOWN_REASON);
    expect(replies.size).toBe(0);
  });

  it('drains at once when nothing runs', async () => {
    await new InFlightReplies().drain(60_000);
  });
});
