import { randomUUID } from 'node:crypto';
import { bufferTime, first, firstValueFrom } from 'rxjs';
import {
  startRedisServer,
  type RedisServer,
} from '../../../test/support/redis-server.js';
import { RedisChatEventBus } from '../../bus/redis/redis-chat-event-bus.js';
import { RedisConnections } from '../../redis/redis-connections.js';
import { RedisGenerationLeases } from './redis-generation-leases.js';

const LEASE_MS = 300;

describe('RedisGenerationLeases (real redis-server)', () => {
  let server: RedisServer;
  const opened: { redis: RedisConnections; leases: RedisGenerationLeases }[] =
    [];
  const instance = async () => {
    const redis = await RedisConnections.open({
      url: server.url,
      keyPrefix: `leases-spec-${randomUUID()}:`,
    });
    const leases = new RedisGenerationLeases(redis, { leaseMs: LEASE_MS });
    opened.push({ redis, leases });
    return { redis, leases };
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const { redis, leases } of opened.splice(0)) {
      leases.onApplicationShutdown();
      await redis.close();
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('hands the reply of an instance that stopped renewing to another, with the text it had sent', async () => {
    const dying = await instance();
    const bus = new RedisChatEventBus(dying.redis, {
      replaySize: 100,
      replayTtlMs: 60_000,
      presenceTtlMs: 1_000,
    });
    const generation = {
      conversationId: `c-${randomUUID()}`,
      messageId: 'm1',
      persist: true,
    };
    dying.leases.hold(generation, () => undefined);
    for (const text of ['Hel', 'lo'])
      await bus.publish(generation.conversationId, {
        type: 'delta',
        data: { messageId: 'm1', text },
      });
    // Another reply, whose instance died after its end but before releasing.
    const ended = { ...generation, messageId: 'm2' };
    dying.leases.hold(ended, () => undefined);
    await bus.publish(generation.conversationId, {
      type: 'delta',
      data: { messageId: 'm2', text: 'not mine' },
    });
    await bus.publish(generation.conversationId, {
      type: 'done',
      data: { messageId: 'm2', text: 'not mine', finishReason: 'stop' },
    });
    await bus.close();
    // Another instance of the same deployment.
    const survivor = new RedisGenerationLeases(dying.redis, {
      leaseMs: LEASE_MS,
    });
    dying.leases.onApplicationShutdown();
    const started = Date.now();
    const lost = await firstValueFrom(
      survivor.lapsed().pipe(
        bufferTime(LEASE_MS * 3),
        first((l) => l.length > 0),
      ),
    );
    survivor.onApplicationShutdown();
    expect(lost).toEqual([{ ...generation, text: 'Hello' }]);
    expect(Date.now() - started).toBeLessThan(LEASE_MS * 4);
    // Both leases were taken out of the set: m2 is not handed over later.
    expect(
      await dying.redis.command.zcard(dying.redis.key('generations')),
    ).toBe(0);
  });

  it("reads a lost reply's text from its key's own channel", async () => {
    const dying = await instance();
    const bus = new RedisChatEventBus(dying.redis, {
      replaySize: 100,
      replayTtlMs: 60_000,
      presenceTtlMs: 1_000,
    });
    const conversationId = `c-${randomUUID()}`;
    const generation = {
      conversationId,
      channel: `${conversationId}~k_0123456789ab`,
      messageId: 'm1',
      persist: false,
    };
    dying.leases.hold(generation, () => undefined);
    await bus.publish(generation.channel, {
      type: 'delta',
      data: { messageId: 'm1', text: 'on the channel' },
    });
    await bus.close();
    const survivor = new RedisGenerationLeases(dying.redis, {
      leaseMs: LEASE_MS,
    });
    dying.leases.onApplicationShutdown();
    const lost = await firstValueFrom(
      survivor.lapsed().pipe(
        bufferTime(LEASE_MS * 3),
        first((l) => l.length > 0),
      ),
    );
    survivor.onApplicationShutdown();
    expect(lost).toEqual([{ ...generation, text: 'on the channel' }]);
  });

  it('keeps a renewed lease, and tells its holder when it was taken over anyway', async () => {
    const { redis, leases } = await instance();
    const watcher = new RedisGenerationLeases(redis, { leaseMs: LEASE_MS });
    const reaped: string[] = [];
    const reaping = watcher.lapsed().subscribe((l) => reaped.push(l.messageId));
    let lost = false;
    const lease = leases.hold(
      { conversationId: 'c', messageId: 'kept', persist: false },
      () => (lost = true),
    );
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 4));
    expect(reaped).toEqual([]);
    expect(lost).toBe(false);
    // As if the lease had lapsed while this instance was cut off.
    await redis.command.del(redis.key('generations'));
    const deadline = Date.now() + LEASE_MS * 4;
    while (!lost && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lost).toBe(true);
    await lease.release();
    reaping.unsubscribe();
    watcher.onApplicationShutdown();
  });

  it('takes back a lease of its own that lapsed (Redis out of reach) rather than ending its reply', async () => {
    const { redis, leases } = await instance();
    leases.hold(
      { conversationId: 'c', messageId: 'mine', persist: false },
      () => undefined,
    );
    // No renewals for a while, as when Redis could not be reached.
    leases.onApplicationShutdown();
    const member = JSON.stringify(['c', 'mine', 0]);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
    const reaped = await firstValueFrom(
      leases.lapsed().pipe(bufferTime(LEASE_MS * 2)),
    );
    expect(reaped).toEqual([]);
    expect(
      await redis.command.zscore(redis.key('generations'), member),
    ).not.toBeNull();
  });
});
