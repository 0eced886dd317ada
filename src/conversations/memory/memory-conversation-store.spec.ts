import { MemoryChatEventBus } from '../../bus/memory/memory-chat-event-bus.js';
import { ByteBudget } from '../../common/memory/byte-budget.js';
import { channelParts, type Turn } from '../conversation.js';
import { MemoryGenerationLock } from '../generation-lock/memory-generation-lock.js';
import { MemoryConversationStore } from './memory-conversation-store.js';

const turn = (content: string): Turn => ({
  role: 'user',
  content,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('MemoryConversationStore', () => {
  const setUp = (
    budgetBytes = Number.POSITIVE_INFINITY,
    maxConversations = 100,
  ) => {
    const budget = new ByteBudget(budgetBytes, {
      groupOf: (key) => channelParts(key).owner,
    });
    const store = new MemoryConversationStore({
      maxConversations,
      maxTurns: 10,
      budget,
    });
    const bus = new MemoryChatEventBus({
      replaySize: 100,
      replayTtlMs: 60_000,
      budget,
    });
    const lock = new MemoryGenerationLock(budget);
    return { budget, store, bus, lock };
  };

  it('copies the turns it is given once, and hands out read-only records that share them', async () => {
    const { store } = setUp();
    const call = { id: 'call_1', name: 'lookup', arguments: '{}' };
    const given: Turn = {
      role: 'assistant',
      content: 'first',
      toolCalls: [call],
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const first = await store.append('c', [given]);
    given.content = 'changed by the caller';
    call.arguments = '{"changed":true}';
    const second = await store.append('c', [turn('second')]);
    expect(second.turns.map((t) => t.content)).toEqual(['first', 'second']);
    expect(second.turns[0].toolCalls).toEqual([
      { id: 'call_1', name: 'lookup', arguments: '{}' },
    ]);
    // The earlier turn is not copied again: it is the same frozen object.
    expect(second.turns[0]).toBe(first.turns[0]);
    const read = (await store.get('c'))!;
    expect(read).toBe(second);
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read.turns)).toBe(true);
    expect(Object.isFrozen(read.turns[0])).toBe(true);
    expect(Object.isFrozen(read.turns[0].toolCalls![0])).toBe(true);
    expect(() => {
      (read.turns[0] as Turn).content = 'changed through a read';
    }).toThrow(TypeError);
    expect((await store.get('c'))!.turns[0].content).toBe('first');
  });

  it('keeps the same id under two owners as two conversations, each answering with its plain id', async () => {
    const { store, bus } = setUp();
    await store.append('x~k_a', [turn('for a')]);
    expect(await store.get('x~k_b')).toBeUndefined();
    await store.append('x~k_b', [turn('for b')]);
    expect(await store.get('x~k_a')).toMatchObject({
      id: 'x',
      turns: [turn('for a')],
    });
    expect(await store.delete('x~k_b')).toBe(true);
    expect((await store.get('x~k_a'))?.turns).toEqual([turn('for a')]);
    expect(await store.delete('x~k_b')).toBe(false);
    await bus.close();
  });

  it('evicts a conversation together with the replay of its channel, least recently used first', async () => {
    const { budget, store, bus } = setUp(60_000);
    await store.append('old~k_a', [turn('a'.repeat(10_000))]);
    await bus.publish('old~k_a', { type: 'message', data: 'b'.repeat(5_000) });
    await store.append('new~k_a', [turn('c'.repeat(10_000))]);
    expect(budget.usedBytes).toBeLessThanOrEqual(60_000);
    await store.append('new~k_a', [turn('d'.repeat(10_000))]);

    expect(await store.get('old~k_a')).toBeUndefined();
    expect((await store.get('new~k_a'))?.turns).toHaveLength(2);
    // The replay went with it.
    const channels = (
      bus as unknown as { channels: Map<string, { buffer: unknown[] }> }
    ).channels;
    expect(channels.get('old~k_a')?.buffer.length ?? 0).toBe(0);
    expect(budget.usedBytes).toBeLessThanOrEqual(60_000);
    await bus.close();
  });

  it("makes the heaviest key give back first: another key's flood never evicts a lighter key's idle conversation", async () => {
    const { store, bus } = setUp(100_000);
    await store.append('idle~k_a', [turn('a'.repeat(5_000))]);
    for (let i = 0; i < 20; i++) {
      await store.append(`flood-${i}~k_b`, [turn('b'.repeat(10_000))]);
    }
    expect(await store.get('idle~k_a')).toBeDefined();
    expect(await store.get('flood-0~k_b')).toBeUndefined();
    expect(await store.get('flood-19~k_b')).toBeDefined();
    await bus.close();
  });

  it('applies MAX_CONVERSATIONS the same way: the key with the most conversations loses its oldest', async () => {
    const { store, bus } = setUp(Number.POSITIVE_INFINITY, 4);
    await store.append('idle~k_a', [turn('a')]);
    for (let i = 0; i < 6; i++) {
      await store.append(`many-${i}~k_b`, [turn('b')]);
    }
    expect(store.size).toBe(4);
    expect(await store.get('idle~k_a')).toBeDefined();
    expect(await store.get('many-2~k_b')).toBeUndefined();
    expect(await store.get('many-5~k_b')).toBeDefined();
    await bus.close();
  });

  it('never evicts a conversation whose reply is being generated', async () => {
    const { store, bus, lock } = setUp(30_000);
    await lock.acquire('busy~k_a', 'm1', 60_000);
    await store.append('busy~k_a', [turn('a'.repeat(20_000))]);
    await store.append('other~k_a', [turn('b'.repeat(20_000))]);
    expect(await store.get('busy~k_a')).toBeDefined();
    expect(await store.get('other~k_a')).toBeUndefined();
    await bus.close();
  });
});
