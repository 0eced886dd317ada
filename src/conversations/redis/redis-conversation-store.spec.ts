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

  it('lets only one instance claim a generation, and only its holder release it', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const conv = id();
    const claims = await Promise.all([
      a.claimGeneration(conv, 'm-a', 10_000),
      b.claimGeneration(conv, 'm-b', 10_000),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = claims[0] ? 'm-a' : 'm-b';
    const other = claims[0] ? 'm-b' : 'm-a';
    expect(await b.activeGeneration(conv)).toBe(holder);
    await a.releaseGeneration(conv, other);
    expect(await a.activeGeneration(conv)).toBe(holder);
    await b.releaseGeneration(conv, holder);
    expect(await a.activeGeneration(conv)).toBeUndefined();
    expect(await b.claimGeneration(conv, 'm-c', 10_000)).toBe(true);
  });

  it('lets a claim expire, so that a crashed instance cannot block a conversation', async () => {
    const a = await store();
    const conv = id();
    expect(await a.claimGeneration(conv, 'm1', 50)).toBe(true);
    expect(await a.claimGeneration(conv, 'm2', 50)).toBe(false);
    await expect
      .poll(() => a.claimGeneration(conv, 'm2', 10_000), { timeout: 2_000 })
      .toBe(true);
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

  it('keeps the first owner across instances, with the history and its expiry', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const conv = id();
    expect(await a.ownerOf(conv)).toBeUndefined();
    const claims = await Promise.all([
      a.claimOwner(conv, 'k_a'),
      b.claimOwner(conv, 'k_b'),
    ]);
    expect(claims[0]).toBe(claims[1]);
    expect(await b.ownerOf(conv)).toBe(claims[0]);
    // Owned but never written: not a conversation yet.
    expect(await a.get(conv)).toBeUndefined();
    await a.append(conv, [turn('hello')]);
    expect(await b.claimOwner(conv, 'k_other')).toBe(claims[0]);
    await b.delete(conv);
    expect(await a.ownerOf(conv)).toBeUndefined();
  });

  it('gives a conversation stored before owners existed to the anonymous principal', async () => {
    const direct = await redisServer.open();
    const a = await store();
    const conv = id();
    await a.append(conv, [turn('old')]);
    await direct.command.hdel('store-spec:conversation:' + conv, 'owner');
    expect(await a.ownerOf(conv)).toBe('anonymous');
    expect(await a.claimOwner(conv, 'k_new')).toBe('anonymous');
  });
});
