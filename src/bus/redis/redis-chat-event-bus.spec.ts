import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
import { Collected } from '../../../test/support/collect.js';
import {
  startRedisServer,
  type RedisServer,
} from '../../../test/support/redis-server.js';
import { eventually } from '../../../test/support/sse-client.js';
import { RedisConnections } from '../../redis/redis-connections.js';
import type { ChatEvent } from '../chat-event.js';
import {
  RedisChatEventBus,
  type RedisBusOptions,
} from './redis-chat-event-bus.js';

const OPTIONS: RedisBusOptions = {
  replaySize: 1_000,
  replayTtlMs: 60_000,
  presenceTtlMs: 1_000,
};

describe('RedisChatEventBus (real redis-server)', () => {
  let server: RedisServer;
  const opened: { connections: RedisConnections; bus: RedisChatEventBus }[] =
    [];
  const collected: Collected<unknown>[] = [];

  const instance = async (options: Partial<RedisBusOptions> = {}) => {
    const connections = await RedisConnections.open({
      url: server.url,
      keyPrefix: 'bus-spec:',
    });
    const bus = new RedisChatEventBus(connections, { ...OPTIONS, ...options });
    opened.push({ connections, bus });
    return bus;
  };
  const collect = <T>(source: Observable<T>) => {
    const c = new Collected<T>(source);
    collected.push(c as Collected<unknown>);
    return c;
  };
  const conversation = () => `c-${randomUUID()}`;
  const deltas = (events: ChatEvent[]) =>
    events.filter((e) => e.type === 'delta').map((e) => e.data);
  const publishAll = async (
    bus: RedisChatEventBus,
    id: string,
    texts: string[],
  ) => {
    const published: ChatEvent[] = [];
    for (const text of texts)
      published.push(
        await bus.publish(id, {
          type: 'delta',
          data: { messageId: 'm', text },
        }),
      );
    return published;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const c of collected.splice(0)) c.unsubscribe();
    for (const { bus, connections } of opened.splice(0)) {
      await bus.close();
      await connections.close();
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('delivers an event published on one instance to subscribers of another, in order, once', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const id = conversation();
    const first = collect(b.subscribe(id));
    const second = collect(b.subscribe(id));
    await first.until((v) => v.length === 1, 'ready');
    await second.until((v) => v.length === 1, 'ready');
    const texts = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const published = await publishAll(a, id, texts);
    for (const c of [first, second]) {
      await c.until((v) => v.length === 31, 'all events');
      expect(c.values[0].type).toBe('ready');
      expect(c.values.slice(1).map((e) => e.id)).toEqual(
        published.map((e) => e.id),
      );
      expect(deltas(c.values)).toEqual(
        texts.map((text) => JSON.stringify({ messageId: 'm', text })),
      );
    }
    // Framed once per instance: both subscribers hold the same event.
    expect(first.values[1]).toBe(second.values[1]);
  });

  it('issues stream ids and frames events as the memory bus does', async () => {
    const bus = await instance();
    const event = await bus.publish(conversation(), {
      type: 'message',
      data: 'multi\nline',
    });
    expect(event.id).toMatch(/^\d+-\d+$/);
    expect(event.frame).toBe(`id: ${event.id}\ndata: multi\ndata: line\n\n`);
    const named = await bus.publish(conversation(), {
      type: 'done',
      data: { messageId: 'm', text: 'x', finishReason: 'stop' },
    });
    expect(named.frame).toBe(
      `event: done\nid: ${named.id}\ndata: {"messageId":"m","text":"x","finishReason":"stop"}\n\n`,
    );
  });

  it('starts a fresh subscriber at the newest event, with nothing replayed', async () => {
    const bus = await instance();
    const id = conversation();
    const published = await publishAll(bus, id, ['a', 'b']);
    const c = collect(bus.subscribe(id));
    await c.until((v) => v.length === 1, 'ready');
    expect(c.values[0].type).toBe('ready');
    expect(c.values[0].id).toBe(published[1].id);
    const later = await bus.publish(id, {
      type: 'delta',
      data: { messageId: 'm', text: 'c' },
    });
    await c.until((v) => v.length === 2, 'live event');
    expect(c.values[1].id).toBe(later.id);
  });

  it('gives a subscriber of an empty conversation a position that every later event follows', async () => {
    const bus = await instance();
    const id = conversation();
    const c = collect(bus.subscribe(id));
    await c.until((v) => v.length === 1, 'ready');
    const position = c.values[0].id;
    c.unsubscribe();
    const published = await publishAll(bus, id, ['x', 'y']);
    const resumed = collect(bus.subscribe(id, position));
    await resumed.until((v) => v.length === 3, 'replay');
    expect(resumed.values.map((e) => e.type)).toEqual([
      'ready',
      'delta',
      'delta',
    ]);
    expect(resumed.values[0].id).toBe(position);
    expect(resumed.values.slice(1).map((e) => e.id)).toEqual(
      published.map((e) => e.id),
    );
  });

  it('replays exactly the events after Last-Event-ID on another instance, then live ones', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const id = conversation();
    const published = await publishAll(a, id, ['1', '2', '3', '4', '5']);
    const c = collect(b.subscribe(id, published[1].id));
    await c.until((v) => v.length === 4, 'replay');
    expect(c.values[0]).toMatchObject({ type: 'ready', id: published[1].id });
    expect(c.values.slice(1).map((e) => e.id)).toEqual(
      published.slice(2).map((e) => e.id),
    );
    const live = await a.publish(id, {
      type: 'delta',
      data: { messageId: 'm', text: '6' },
    });
    await c.until((v) => v.length === 5, 'live');
    expect(c.values[4].id).toBe(live.id);
  });

  it('meets replay and live without gap or duplicate while events pour in', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const id = conversation();
    const total = 300;
    const published: ChatEvent[] = [];
    const publishing = (async () => {
      for (let i = 0; i < total; i++)
        published.push(
          await a.publish(id, {
            type: 'delta',
            data: { messageId: 'm', text: `${i}` },
          }),
        );
    })();
    const subscribers: { from: number; events: Collected<ChatEvent> }[] = [];
    for (let joined = 0; joined < 8; joined++) {
      await eventually(
        () => published.length > (joined + 1) * 30,
        10_000,
        'progress',
      );
      const from = published.length - 1 - Math.floor(Math.random() * 20);
      subscribers.push({
        from,
        events: collect(b.subscribe(id, published[from].id)),
      });
    }
    await publishing;
    for (const { from, events } of subscribers) {
      const expected = published.slice(from + 1).map((e) => e.id);
      await events.until(
        (v) => v.length === expected.length + 1,
        `events after #${from}`,
      );
      expect(events.values[0].type).toBe('ready');
      expect(events.values.slice(1).map((e) => e.id)).toEqual(expected);
    }
    await publishing;
  });

  it('answers a Last-Event-ID that was trimmed away with ready then reset', async () => {
    const bus = await instance({ replaySize: 5 });
    const id = conversation();
    const published = await publishAll(
      bus,
      id,
      Array.from({ length: 10 }, (_, i) => `${i}`),
    );
    const lost = collect(bus.subscribe(id, published[3].id));
    await lost.until((v) => v.length === 2, 'ready and reset');
    expect(lost.values.map((e) => e.type)).toEqual(['ready', 'reset']);
    expect(lost.values[0].id).toBe(published[9].id);
    expect(JSON.parse(lost.values[1].data)).toMatchObject({
      reason: 'events_expired',
    });
    // The newest dropped event is still a valid position: nothing after it is gone.
    const edge = collect(bus.subscribe(id, published[4].id));
    await edge.until((v) => v.length === 6, 'replay of the kept events');
    expect(edge.values.slice(1).map((e) => e.id)).toEqual(
      published.slice(5).map((e) => e.id),
    );
  });

  it.each([
    ['an id from the future', '99999999999999-0'],
    ['a malformed id', 'not-an-id'],
  ])('resets a subscriber that brings %s', async (_what, lastEventId) => {
    const bus = await instance();
    const id = conversation();
    await publishAll(bus, id, ['a']);
    const c = collect(bus.subscribe(id, lastEventId));
    await c.until((v) => v.length === 2, 'ready and reset');
    expect(c.values.map((e) => e.type)).toEqual(['ready', 'reset']);
  });

  it('counts listeners across instances and notices an instance that died', async () => {
    const [a, b, crashing] = await Promise.all([
      instance(),
      instance(),
      instance(),
    ]);
    const id = conversation();
    const counts = collect(a.listenerCount(id));
    await counts.until((v) => v.at(-1) === 0, 'initial 0');
    const one = collect(b.subscribe(id));
    const two = collect(crashing.subscribe(id));
    await counts.until((v) => v.at(-1) === 2, 'two listeners');
    // A second watcher on the same instance shares the first one's count.
    const shared = collect(a.listenerCount(id));
    expect(shared.values).toEqual([2]);
    one.unsubscribe();
    await counts.until((v) => v.at(-1) === 1, 'one listener left');
    // A crash: the connections drop without the bus cleaning up.
    const dead = opened.find((o) => o.bus === crashing)!;
    dead.connections.command.disconnect();
    dead.connections.subscriber.disconnect();
    await counts.until((v) => v.at(-1) === 0, 'expired presence', 5_000);
    two.unsubscribe();
  });

  it('carries a cancel request from one instance to the watcher on another', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const id = conversation();
    const requests = collect(a.cancelRequests(id));
    const other = collect(a.cancelRequests(conversation()));
    // The watcher's subscription is confirmed once a presence change reaches it.
    const counts = collect(a.listenerCount(id));
    const listener = collect(b.subscribe(id));
    await counts.until((v) => v.at(-1) === 1, 'listener seen');
    await b.requestCancel({ conversationId: id, messageId: 'm1' });
    await b.requestCancel({ conversationId: id });
    await requests.until((v) => v.length === 2, 'cancel requests');
    expect(requests.values).toEqual([
      { conversationId: id, messageId: 'm1' },
      { conversationId: id },
    ]);
    expect(other.values).toEqual([]);
    listener.unsubscribe();
  });
});
