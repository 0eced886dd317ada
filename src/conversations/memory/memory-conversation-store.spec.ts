import { MemoryChatEventBus } from '../../bus/memory/memory-chat-event-bus.js';
import { ByteBudget } from '../../common/memory/byte-budget.js';
import type { Turn } from '../conversation.js';
import { MemoryConversationStore } from './memory-conversation-store.js';

const turn = (content: string): Turn => ({
  role: 'user',
  content,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('MemoryConversationStore', () => {
  const setUp = (budgetBytes = Number.POSITIVE_INFINITY) => {
    const budget = new ByteBudget(budgetBytes);
    const store = new MemoryConversationStore({
      maxConversations: 100,
      maxTurns: 10,
      budget,
    });
    const bus = new MemoryChatEventBus({
      replaySize: 100,
      replayTtlMs: 60_000,
      budget,
    });
    return { budget, store, bus };
  };

  it('keeps the first owner; an owned id is not a conversation until written', async () => {
    const { store, bus } = setUp();
    expect(await store.claimOwner('x', 'k_a')).toBe('k_a');
    expect(await store.claimOwner('x', 'k_b')).toBe('k_a');
    expect(await store.get('x')).toBeUndefined();
    await store.append('x', [turn('hi')]);
    expect(await store.ownerOf('x')).toBe('k_a');
    expect(await store.delete('x')).toBe(true);
    expect(await store.ownerOf('x')).toBeUndefined();
    await bus.close();
  });

  it('evicts a conversation together with the replay of its owner channel, least recently used first', async () => {
    const { budget, store, bus } = setUp(60_000);
    await store.claimOwner('old', 'k_a');
    await store.append('old', [turn('a'.repeat(10_000))]);
    await bus.publish('old~k_a', { type: 'message', data: 'b'.repeat(5_000) });
    await store.claimOwner('new', 'k_a');
    await store.append('new', [turn('c'.repeat(10_000))]);
    expect(budget.usedBytes).toBeLessThanOrEqual(60_000);
    await store.append('new', [turn('d'.repeat(10_000))]);

    expect(await store.get('old')).toBeUndefined();
    expect(await store.ownerOf('old')).toBeUndefined();
    expect((await store.get('new'))?.turns).toHaveLength(2);
    // The replay went with it.
    const channels = (
      bus as unknown as { channels: Map<string, { buffer: unknown[] }> }
    ).channels;
    expect(channels.get('old~k_a')?.buffer.length ?? 0).toBe(0);
    expect(budget.usedBytes).toBeLessThanOrEqual(60_000);
    await bus.close();
  });

  it('never evicts a conversation whose reply is being generated', async () => {
    const { store, bus } = setUp(30_000);
    await store.claimOwner('busy', 'k_a');
    await store.claimGeneration('busy', 'm1', 60_000);
    await store.append('busy', [turn('a'.repeat(20_000))]);
    await store.claimOwner('other', 'k_a');
    await store.append('other', [turn('b'.repeat(20_000))]);
    expect(await store.get('busy')).toBeDefined();
    expect(await store.get('other')).toBeUndefined();
    await bus.close();
  });
});
