import { Collected } from '../../../test/support/collect.js';
import {
  startRedisServer,
  type RedisServer,
} from '../../../test/support/redis-server.js';
import { eventually } from '../../../test/support/sse-client.js';
import { RedisConnections } from '../../redis/redis-connections.js';
import type { ChatEvent } from '../chat-event.js';
import { RedisChatEventBus } from './redis-chat-event-bus.js';

describe('RedisChatEventBus when Redis goes away (real redis-server)', () => {
  let server: RedisServer;
  let connections: RedisConnections;
  let bus: RedisChatEventBus;

  beforeAll(async () => {
    server = await startRedisServer();
    connections = await RedisConnections.open({
      url: server.url,
      keyPrefix: 'failure-spec:',
      // A Redis that is simply down: publishing fails at once.
      failoverRetryMs: 0,
    });
    bus = new RedisChatEventBus(connections, {
      replaySize: 100,
      replayTtlMs: 60_000,
      presenceTtlMs: 1_000,
    });
  });
  afterAll(async () => {
    await bus.close();
    await connections.close();
    await server.dispose();
  });

  it('ends open streams with bus_unavailable at their position, fails readiness, then recovers', async () => {
    const before = await bus.publish('conv', {
      type: 'delta',
      data: { messageId: 'm', text: 'a' },
    });
    const open = new Collected<ChatEvent>(bus.subscribe('conv'));
    const fresh = new Collected<ChatEvent>(bus.subscribe('empty'));
    await open.until((v) => v.length === 1, 'ready');
    await fresh.until((v) => v.length === 1, 'ready');
    const delivered = await bus.publish('conv', {
      type: 'delta',
      data: { messageId: 'm', text: 'b' },
    });
    await open.until((v) => v.length === 2, 'live event');

    await server.stop('SIGKILL');
    await open.until((v) => v.at(-1)?.type === 'error', 'error event');
    expect(open.completed).toBe(true);
    const error = open.values.at(-1)!;
    expect(error.id).toBe(delivered.id);
    expect(JSON.parse(error.data)).toEqual({
      code: 'bus_unavailable',
      message: expect.any(String) as string,
    });
    await fresh.until((v) => v.at(-1)?.type === 'error', 'error event');
    expect(fresh.values.at(-1)!.id).toBe(fresh.values[0].id);
    await expect(bus.ping()).rejects.toThrow(/REDIS_URL/);
    await expect(
      bus.publish('conv', {
        type: 'delta',
        data: { messageId: 'm', text: 'lost' },
      }),
    ).rejects.toThrow();
    // A stream opened meanwhile ends at once instead of hanging.
    const during = new Collected<ChatEvent>(bus.subscribe('conv', before.id));
    await during.until((v) => v.length === 1, 'error event');
    expect(during.values[0]).toMatchObject({ type: 'error', id: before.id });
    expect(during.completed).toBe(true);

    await server.start();
    await eventually(
      () =>
        bus.ping().then(
          () => true,
          () => false,
        ),
      10_000,
      'readiness after restart',
    );
    // The restarted Redis kept nothing: an old position cannot be resumed.
    const resumed = new Collected<ChatEvent>(
      bus.subscribe('conv', delivered.id),
    );
    await resumed.until((v) => v.length === 2, 'ready and reset');
    expect(resumed.values.map((e) => e.type)).toEqual(['ready', 'reset']);
    const again = await bus.publish('conv', {
      type: 'delta',
      data: { messageId: 'm', text: 'c' },
    });
    await resumed.until((v) => v.length === 3, 'live after restart');
    expect(resumed.values[2].id).toBe(again.id);
    resumed.unsubscribe();
    open.unsubscribe();
    fresh.unsubscribe();
    during.unsubscribe();
  });
});
