import type { Conversation, Turn } from '../conversations/conversation.js';
import { MemoryGenerationLock } from '../conversations/generation-lock/memory-generation-lock.js';
import { MemoryConversationStore } from '../conversations/memory/memory-conversation-store.js';
import { ReplyRecorder } from './reply-recorder.js';

/** A store whose appends fail a given number of times, landing or not, as in a failover. */
class FailingStore extends MemoryConversationStore {
  appendFailures = 0;
  appendAttempts = 0;
  /** A failed append still wrote the turn (the answer to the write was lost). */
  failedAppendLands = false;
  override async append(key: string, turns: Turn[]): Promise<Conversation> {
    this.appendAttempts++;
    if (this.appendFailures-- > 0) {
      if (this.failedAppendLands) await super.append(key, turns);
      throw new Error('store unreachable');
    }
    return super.append(key, turns);
  }
}

/** A lock whose release fails a given number of times, as when Redis is down. */
class FlakyReleaseLock extends MemoryGenerationLock {
  releaseFailures = 0;
  releaseAttempts = 0;
  override release(key: string, messageId: string): Promise<void> {
    this.releaseAttempts++;
    if (this.releaseFailures-- > 0)
      return Promise.reject(new Error('store unreachable'));
    return super.release(key, messageId);
  }
}

/** A key's conversation: stored and locked under its channel, not its id. */
const REPLY = { conversationId: 'c1', channel: 'c1~k1', messageId: 'm1' };

async function setUp() {
  const store = new FailingStore({ maxConversations: 10, maxTurns: 10 });
  const lock = new FlakyReleaseLock();
  await store.append(REPLY.channel, [
    { role: 'user', content: 'hi', createdAt: '' },
  ]);
  await lock.acquire(REPLY.channel, REPLY.messageId, 600_000);
  return { store, lock, recorder: new ReplyRecorder(store, lock) };
}

describe('ReplyRecorder', () => {
  afterEach(() => vi.useRealTimers());

  it("stores the reply as an assistant turn under the conversation's key and frees the conversation", async () => {
    const { store, lock, recorder } = await setUp();
    await recorder.record(REPLY, 'Hello', 'complete');
    const stored = await store.get(REPLY.channel);
    expect(stored?.turns).toHaveLength(2);
    expect(stored?.turns.at(-1)).toMatchObject({
      role: 'assistant',
      content: 'Hello',
      messageId: 'm1',
      status: 'complete',
    });
    expect(stored?.turns.at(-1)).not.toHaveProperty('toolCalls');
    expect(await store.get(REPLY.conversationId)).toBeUndefined();
    expect(await lock.holder(REPLY.channel)).toBeUndefined();
  });

  it('stores the tools a reply called with it', async () => {
    const { store, recorder } = await setUp();
    const toolCalls = [{ id: 't1', name: 'weather', arguments: '{}' }];
    await recorder.record(REPLY, '', 'complete', toolCalls);
    expect((await store.get(REPLY.channel))?.turns.at(-1)).toMatchObject({
      role: 'assistant',
      content: '',
      toolCalls,
      status: 'complete',
    });
  });

  it('stores nothing for a stopped reply without text, and still frees the conversation', async () => {
    const { store, lock, recorder } = await setUp();
    await recorder.record(REPLY, '', 'cancelled');
    expect((await store.get(REPLY.channel))?.turns).toHaveLength(1);
    expect(await lock.holder(REPLY.channel)).toBeUndefined();
  });

  it('keeps the text of a stopped reply', async () => {
    const { store, recorder } = await setUp();
    await recorder.record(REPLY, 'Hel', 'cancelled');
    expect((await store.get(REPLY.channel))?.turns.at(-1)).toMatchObject({
      content: 'Hel',
      status: 'cancelled',
    });
  });

  it('does not bring back a conversation deleted while its reply ran, and still frees it', async () => {
    const { store, lock, recorder } = await setUp();
    await store.delete(REPLY.channel);
    await recorder.record(REPLY, 'Hello', 'complete');
    expect(await store.get(REPLY.channel)).toBeUndefined();
    expect(store.appendAttempts).toBe(1); // only the set-up's
    expect(await lock.holder(REPLY.channel)).toBeUndefined();
  });

  it('tries again after a failed write that landed, and stores the reply once', async () => {
    vi.useFakeTimers();
    const { store, recorder } = await setUp();
    store.appendFailures = 1;
    store.failedAppendLands = true;
    const recorded = recorder.record(REPLY, 'Hello', 'complete');
    await vi.runAllTimersAsync();
    await recorded;
    const replies = (await store.get(REPLY.channel))?.turns.filter(
      (turn) => turn.messageId === 'm1',
    );
    expect(replies).toHaveLength(1);
  });

  it('tries again after a failed write that did not land, and stores the reply', async () => {
    vi.useFakeTimers();
    const { store, recorder } = await setUp();
    store.appendFailures = 2;
    const recorded = recorder.record(REPLY, 'Hello', 'complete');
    await vi.runAllTimersAsync();
    await recorded;
    expect(store.appendAttempts).toBe(1 + 3);
    const replies = (await store.get(REPLY.channel))?.turns.filter(
      (turn) => turn.messageId === 'm1',
    );
    expect(replies).toHaveLength(1);
  });

  it('gives up storing after four attempts, and still frees the conversation', async () => {
    vi.useFakeTimers();
    const { store, lock, recorder } = await setUp();
    store.appendFailures = 10;
    const recorded = recorder.record(REPLY, 'Hello', 'complete');
    await vi.runAllTimersAsync();
    await expect(recorded).resolves.toBeUndefined();
    expect(store.appendAttempts).toBe(1 + 4);
    expect((await store.get(REPLY.channel))?.turns).toHaveLength(1);
    expect(await lock.holder(REPLY.channel)).toBeUndefined();
  });

  it('keeps trying to free the conversation in the background while the lock is unreachable', async () => {
    vi.useFakeTimers();
    const { lock, recorder } = await setUp();
    lock.releaseFailures = 2;
    // Resolves at once: the retries do not hold up the end of the reply.
    await recorder.record(REPLY, 'Hello', 'complete');
    expect(lock.releaseAttempts).toBe(1);
    expect(await lock.holder(REPLY.channel)).toBe('m1');
    await vi.advanceTimersByTimeAsync(500);
    expect(lock.releaseAttempts).toBe(2);
    expect(await lock.holder(REPLY.channel)).toBe('m1');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lock.releaseAttempts).toBe(3);
    expect(await lock.holder(REPLY.channel)).toBeUndefined();
  });

  it('stops trying to free the conversation after its last pause', async () => {
    vi.useFakeTimers();
    const { lock, recorder } = await setUp();
    lock.releaseFailures = 100;
    await recorder.record(REPLY, 'Hello', 'complete');
    await vi.runAllTimersAsync();
    expect(lock.releaseAttempts).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });
});
