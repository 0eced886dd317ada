import { NEVER, Subject } from 'rxjs';
import type { ChatEventBus } from '../bus/chat-event-bus.js';
import { MemoryChatEventBus } from '../bus/memory/memory-chat-event-bus.js';
import { ReplyWatchers, type WatchedCancelReason } from './reply-watchers.js';

const GRACE_MS = 1_000;
/** A key's conversation: its events, cancellations and listeners are on its channel. */
const REPLY = { conversationId: 'c1', channel: 'c1~k1', messageId: 'm1' };

const buses: MemoryChatEventBus[] = [];

function setUp() {
  const bus = new MemoryChatEventBus({ replaySize: 100, replayTtlMs: 60_000 });
  buses.push(bus);
  const reasons: WatchedCancelReason[] = [];
  const watching = new ReplyWatchers(bus, GRACE_MS).watch(REPLY, (reason) =>
    reasons.push(reason),
  );
  return { bus, reasons, watching };
}

describe('ReplyWatchers', () => {
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
    vi.useRealTimers();
  });

  it('stops the reply when asked to stop it', async () => {
    const { bus, reasons, watching } = setUp();
    await bus.requestCancel({ conversationId: REPLY.channel, messageId: 'm1' });
    expect(reasons).toEqual(['requested']);
    watching.unsubscribe();
  });

  it('stops the reply when asked to stop every reply of its conversation', async () => {
    const { bus, reasons, watching } = setUp();
    await bus.requestCancel({ conversationId: REPLY.channel });
    expect(reasons).toEqual(['requested']);
    watching.unsubscribe();
  });

  it("ignores a request to stop another reply, or another channel's", async () => {
    const { bus, reasons, watching } = setUp();
    await bus.requestCancel({ conversationId: REPLY.channel, messageId: 'm2' });
    await bus.requestCancel({ conversationId: 'c1', messageId: 'm1' });
    expect(reasons).toEqual([]);
    watching.unsubscribe();
  });

  it('stops the reply once the last listener has been gone for the grace period', async () => {
    vi.useFakeTimers();
    const { bus, reasons, watching } = setUp();
    const listener = bus.subscribe(REPLY.channel).subscribe();
    await vi.advanceTimersByTimeAsync(GRACE_MS * 5);
    expect(reasons).toEqual([]);
    listener.unsubscribe();
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reasons).toEqual(['no_listeners']);
    watching.unsubscribe();
  });

  it('keeps the reply when a listener comes back within the grace period', async () => {
    vi.useFakeTimers();
    const { bus, reasons, watching } = setUp();
    bus.subscribe(REPLY.channel).subscribe().unsubscribe();
    await vi.advanceTimersByTimeAsync(GRACE_MS / 2);
    const back = bus.subscribe(REPLY.channel).subscribe();
    await vi.advanceTimersByTimeAsync(GRACE_MS * 5);
    expect(reasons).toEqual([]);
    back.unsubscribe();
    watching.unsubscribe();
  });

  it('counts the grace period from when the last listener left, however often the count is told again', async () => {
    vi.useFakeTimers();
    const counts = new Subject<number>();
    const bus = {
      cancelRequests: () => NEVER,
      listenerCount: () => counts,
    } as unknown as ChatEventBus;
    const reasons: WatchedCancelReason[] = [];
    const watching = new ReplyWatchers(bus, GRACE_MS).watch(REPLY, (reason) =>
      reasons.push(reason),
    );
    counts.next(2);
    counts.next(0);
    await vi.advanceTimersByTimeAsync(GRACE_MS / 2);
    counts.next(0);
    await vi.advanceTimersByTimeAsync(GRACE_MS / 2);
    expect(reasons).toEqual(['no_listeners']);
    watching.unsubscribe();
  });

  it('keeps a reply nobody ever listened to', async () => {
    vi.useFakeTimers();
    const { reasons, watching } = setUp();
    await vi.advanceTimersByTimeAsync(GRACE_MS * 5);
    expect(reasons).toEqual([]);
    watching.unsubscribe();
  });

  it('calls nothing once unsubscribed', async () => {
    vi.useFakeTimers();
    const { bus, reasons, watching } = setUp();
    bus.subscribe(REPLY.channel).subscribe().unsubscribe();
    watching.unsubscribe();
    await bus.requestCancel({ conversationId: REPLY.channel });
    await vi.advanceTimersByTimeAsync(GRACE_MS * 5);
    expect(reasons).toEqual([]);
  });
});
