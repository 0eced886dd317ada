import { Subject } from 'rxjs';
import { MemoryGenerationLock } from '../conversations/generation-lock/memory-generation-lock.js';
import {
  GenerationLeases,
  type GenerationLease,
  type LeasedGeneration,
  type LostGeneration,
} from './generation-leases/generation-leases.js';
import { ReplyLeaseKeeper } from './reply-lease-keeper.js';

/** Leases that lapse when the spec says so. */
class FakeLeases extends GenerationLeases {
  readonly lapsed$ = new Subject<LostGeneration>();
  readonly held: { generation: LeasedGeneration; onLost: () => void }[] = [];
  released = 0;

  hold(generation: LeasedGeneration, onLost: () => void): GenerationLease {
    this.held.push({ generation, onLost });
    return {
      release: () => {
        this.released++;
        return Promise.resolve();
      },
    };
  }

  lapsed() {
    return this.lapsed$;
  }
}

/** A key's stored conversation: locked under its channel, not its id. */
const LOST: LostGeneration = {
  conversationId: 'c1',
  channel: 'c1~k1',
  messageId: 'm1',
  persist: true,
  text: 'Hel',
};

function setUp() {
  const leases = new FakeLeases();
  const lock = new MemoryGenerationLock();
  const finished: LostGeneration[] = [];
  const keeper = new ReplyLeaseKeeper(leases, lock, (lost) => {
    finished.push(lost);
    return Promise.resolve();
  });
  return { leases, lock, finished, keeper };
}

describe('ReplyLeaseKeeper', () => {
  it('leases a running reply, tells it when the lease was lost, and releases the lease', async () => {
    const { leases, keeper } = setUp();
    let lost = 0;
    const lease = keeper.hold(LOST, () => lost++);
    expect(leases.held.map((h) => h.generation)).toEqual([LOST]);
    expect(lost).toBe(0);
    leases.held[0]!.onLost();
    expect(lost).toBe(1);
    await lease.release();
    expect(leases.released).toBe(1);
  });

  it('ends a lapsed stored reply that still holds its conversation', async () => {
    const { leases, lock, finished, keeper } = setUp();
    await lock.acquire(LOST.channel!, 'm1', 60_000);
    keeper.start();
    leases.lapsed$.next(LOST);
    await vi.waitFor(() => expect(finished).toEqual([LOST]));
    keeper.stop();
  });

  it('leaves a lapsed stored reply that has ended: its conversation free or held by the next reply', async () => {
    const { leases, lock, finished, keeper } = setUp();
    keeper.start();
    leases.lapsed$.next(LOST);
    await lock.acquire(LOST.channel!, 'm2', 60_000);
    leases.lapsed$.next(LOST);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toEqual([]);
    keeper.stop();
  });

  it("reads the lock of the reply's conversation key, not of its bare id", async () => {
    const { leases, lock, finished, keeper } = setUp();
    // Another conversation: the same id in open mode, without the key.
    await lock.acquire(LOST.conversationId, 'm1', 60_000);
    keeper.start();
    leases.lapsed$.next(LOST);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toEqual([]);
    keeper.stop();
  });

  it('leaves a lapsed stored reply when the lock cannot be read', async () => {
    const { leases, lock, finished, keeper } = setUp();
    vi.spyOn(lock, 'holder').mockRejectedValue(new Error('store unreachable'));
    keeper.start();
    leases.lapsed$.next(LOST);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toEqual([]);
    keeper.stop();
  });

  it('ends a lapsed reply that is not stored (it holds no lock)', async () => {
    const { leases, finished, keeper } = setUp();
    keeper.start();
    const unstored = { ...LOST, persist: false };
    leases.lapsed$.next(unstored);
    await vi.waitFor(() => expect(finished).toEqual([unstored]));
    keeper.stop();
  });

  it('ends no lapsed reply before start() or after stop()', async () => {
    const { leases, finished, keeper } = setUp();
    const unstored = { ...LOST, persist: false };
    leases.lapsed$.next(unstored);
    keeper.start();
    keeper.stop();
    leases.lapsed$.next(unstored);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toEqual([]);
    expect(leases.lapsed$.observed).toBe(false);
  });
});
