import { firstValueFrom, take, toArray } from 'rxjs';
import type { ChatEvent } from '../chat-event.js';
import { MemoryChatEventBus } from './memory-chat-event-bus.js';

function collect(
  bus: MemoryChatEventBus,
  conversationId: string,
  lastEventId?: string,
) {
  const events: ChatEvent[] = [];
  const subscription = bus
    .subscribe(conversationId, lastEventId)
    .subscribe((e) => events.push(e));
  return { events, subscription, types: () => events.map((e) => e.type) };
}

describe('MemoryChatEventBus', () => {
  let now = 1_000_000;
  let bus: MemoryChatEventBus;
  beforeEach(() => {
    now = 1_000_000;
    bus = new MemoryChatEventBus({
      replaySize: 5,
      replayTtlMs: 60_000,
      now: () => now,
    });
  });
  afterEach(() => bus.close());

  it('starts each subscription with ready, then delivers live events to every subscriber', async () => {
    const a = collect(bus, 'c1');
    const b = collect(bus, 'c1');
    await bus.publish('c1', {
      type: 'delta',
      data: { messageId: 'm', text: 'x' },
    });
    expect(a.types()).toEqual(['ready', 'delta']);
    expect(b.events.map((e) => e.id)).toEqual(a.events.map((e) => e.id));
    // Framed once: both subscribers receive the very same event and frame.
    expect(b.events[1]).toBe(a.events[1]);
  });

  it('publishes synchronously: the event itself comes back, already delivered', () => {
    const a = collect(bus, 'c1');
    const event = bus.publish('c1', {
      type: 'delta',
      data: { messageId: 'm', text: 'x' },
    });
    expect(event).not.toBeInstanceOf(Promise);
    expect(a.events.at(-1)).toBe(event);
  });

  it('keeps conversations apart', async () => {
    const a = collect(bus, 'a');
    await bus.publish('b', {
      type: 'delta',
      data: { messageId: 'm', text: 'for b' },
    });
    expect(a.types()).toEqual(['ready']);
  });

  it('issues increasing ids within a millisecond and across, all after the start id', async () => {
    const e1 = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    const e2 = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    now++;
    const e3 = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    expect([e1.id, e2.id, e3.id]).toEqual([
      '1000000-1',
      '1000000-2',
      '1000001-0',
    ]);
  });

  it('replays exactly the events after Last-Event-ID, then goes live', async () => {
    const published: ChatEvent[] = [];
    for (let i = 0; i < 4; i++)
      published.push(
        await bus.publish('c', {
          type: 'delta',
          data: { messageId: 'm', text: String(i) },
        }),
      );
    const resumed = collect(bus, 'c', published[1].id);
    await bus.publish('c', {
      type: 'done',
      data: { messageId: 'm', text: '0123', finishReason: 'stop' },
    });
    expect(resumed.events[0]).toMatchObject({
      type: 'ready',
      id: published[1].id,
    });
    expect(resumed.events.slice(1).map((e) => e.id)).toEqual([
      published[2].id,
      published[3].id,
      expect.any(String),
    ]);
    expect(resumed.types().at(-1)).toBe('done');
  });

  it('sends reset when the id is older than the buffer (size)', async () => {
    const first = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    for (let i = 0; i < 6; i++)
      await bus.publish('c', {
        type: 'delta',
        data: { messageId: 'm', text: '' },
      });
    const resumed = collect(bus, 'c', first.id);
    expect(resumed.types()).toEqual(['ready', 'reset']);
  });

  it('sends reset when the buffered events have expired (age)', async () => {
    const first = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    now += 61_000;
    const resumed = collect(bus, 'c', first.id);
    expect(resumed.types()).toEqual(['ready', 'reset']);
  });

  it('sends reset for ids from before this process started, or from the future', () => {
    expect(collect(bus, 'c', '999999-0').types()).toEqual(['ready', 'reset']);
    expect(collect(bus, 'c', '2000000-0').types()).toEqual(['ready', 'reset']);
  });

  it('resumes from the ready id of a subscriber that saw nothing, without reset', async () => {
    const early = collect(bus, 'c');
    const readyId = early.events[0].id;
    early.subscription.unsubscribe();
    const missed = await bus.publish('c', {
      type: 'delta',
      data: { messageId: 'm', text: '' },
    });
    const resumed = collect(bus, 'c', readyId);
    expect(resumed.types()).toEqual(['ready', 'delta']);
    expect(resumed.events[1].id).toBe(missed.id);
  });

  it('counts listeners and tells when the last one leaves', async () => {
    const counts = firstValueFrom(
      bus.listenerCount('c').pipe(take(4), toArray()),
    );
    const a = collect(bus, 'c');
    const b = collect(bus, 'c');
    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    expect(await counts).toEqual([0, 1, 2, 1]);
  });

  it('routes cancel requests to the conversation', async () => {
    const seen = firstValueFrom(bus.cancelRequests('c'));
    await bus.requestCancel({ conversationId: 'other' });
    await bus.requestCancel({ conversationId: 'c', messageId: 'm1' });
    expect(await seen).toEqual({ conversationId: 'c', messageId: 'm1' });
  });

  it('frames a message event as unnamed with the plain text', async () => {
    const event = await bus.publish('c', {
      type: 'message',
      data: 'line 1\nline 2',
    });
    expect(event.frame).toBe(`id: ${event.id}\ndata: line 1\ndata: line 2\n\n`);
  });
});
