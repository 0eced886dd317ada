import { randomUUID } from 'node:crypto';
import { useRedisConnections } from '../../../test/support/redis-connections.js';
import type { Turn } from '../conversation.js';
import { RedisConversationStore } from './redis-conversation-store.js';

const turn = (content: string, role: Turn['role'] = 'user'): Turn => ({
  role,
  content,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('RedisConversationStore (real redis-server)', () => {
  const redisServer = useRedisConnections({
    keyPrefix: 'store-spec:',
  });
  const store = async (maxTurns = 4) => {
    const redis = await redisServer.open();
    return new RedisConversationStore(redis, { maxTurns, ttlMs: 60_000 });
  };
  const id = () => `conv-${randomUUID()}`;

  it('shares history between instances, keeping the newest turns', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const conv = id();
    expect(await b.get(conv)).toBeUndefined();
    await a.append(conv, [turn('one'), turn('two', 'assistant')]);
    const appended = await b.append(conv, [
      turn('three'),
      turn('four'),
      turn('five'),
    ]);
    expect(appended.turns.map((t) => t.content)).toEqual([
      'two',
      'three',
      'four',
      'five',
    ]);
    const read = await a.get(conv);
    expect(read).toEqual(appended);
    expect(read!.createdAt <= read!.updatedAt).toBe(true);
    const replaced = await a.replace(conv, [turn('only')]);
    expect(replaced.turns).toEqual([turn('only')]);
    expect(replaced.createdAt).toBe(appended.createdAt);
    expect(await b.delete(conv)).toBe(true);
    expect(await a.get(conv)).toBeUndefined();
    expect(await a.delete(conv)).toBe(false);
  });

  it('renews the expiry of a conversation on each use', async () => {
    const direct = await redisServer.open();
    const a = await store();
    const conv = id();
    await a.append(conv, [turn('hello')]);
    const key = `store-spec:conv:{${conv}}:meta`;
    const ttl = await direct.command.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    await direct.command.pexpire(key, 5_000);
    await a.get(conv);
    expect(await direct.command.pttl(key)).toBeGreaterThan(50_000);
  });

  it('keeps the same id under two owners as two conversations, each with its plain id', async () => {
    const direct = await redisServer.open();
    const a = await store();
    const conv = id();
    await a.append(`${conv}~k_a`, [turn('for a')]);
    await a.append(`${conv}~k_b`, [turn('for b')]);
    expect(await a.get(`${conv}~k_a`)).toMatchObject({
      id: conv,
      turns: [turn('for a')],
    });
    expect((await a.get(`${conv}~k_b`))?.turns).toEqual([turn('for b')]);
    expect(await a.get(conv)).toBeUndefined();
    expect(
      await direct.command.exists(`store-spec:conv:{${conv}~k_a}:meta`),
    ).toBe(1);
    expect(await a.delete(`${conv}~k_b`)).toBe(true);
    expect(await a.get(`${conv}~k_a`)).toBeDefined();
  });
});
