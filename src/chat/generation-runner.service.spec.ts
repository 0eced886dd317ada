import { Test } from '@nestjs/testing';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import type { ChatEvent } from '../bus/chat-event.js';
import { MemoryChatEventBus } from '../bus/memory/memory-chat-event-bus.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import { GenerationLock } from '../conversations/generation-lock/generation-lock.js';
import { MemoryGenerationLock } from '../conversations/generation-lock/memory-generation-lock.js';
import { MemoryConversationStore } from '../conversations/memory/memory-conversation-store.js';
import { LlmService } from '../llm/llm.service.js';
import { InFlightReplies } from '../streaming/in-flight-replies.js';
import { ReplyRunner } from '../streaming/reply-runner.js';
import type { ChunkSink } from '../llm/chunk-sink.js';
import type { LlmChunk } from '../llm/llm.types.js';
import { CHAT_SETTINGS } from './chat.settings.js';
import { GenerationRunner } from './generation-runner.service.js';

/** A lock whose release fails a given number of times, as when Redis is down. */
class FlakyReleaseLock extends MemoryGenerationLock {
  releaseFailures = 0;
  releaseAttempts = 0;
  override release(id: string, messageId: string): Promise<void> {
    this.releaseAttempts++;
    if (this.releaseFailures-- > 0)
      return Promise.reject(new Error('store unreachable'));
    return super.release(id, messageId);
  }
}

async function setUp() {
  const bus = new MemoryChatEventBus({ replaySize: 100, replayTtlMs: 60_000 });
  const store = new MemoryConversationStore({
    maxConversations: 10,
    maxTurns: 10,
  });
  const lock = new FlakyReleaseLock();
  const llm = {
    async run(
      _request: unknown,
      _signal: AbortSignal,
      sink: ChunkSink,
    ): Promise<void> {
      const chunks: LlmChunk[] = [
        { type: 'delta', text: 'Hello' },
        { type: 'delta', text: ' there' },
        { type: 'finish', finishReason: 'stop' },
      ];
      for (const chunk of chunks) await sink(chunk);
    },
  };
  const module = await Test.createTestingModule({
    providers: [
      GenerationRunner,
      ReplyRunner,
      InFlightReplies,
      { provide: LlmService, useValue: llm },
      { provide: ChatEventBus, useValue: bus },
      { provide: ConversationStore, useValue: store },
      { provide: GenerationLock, useValue: lock },
      {
        provide: CHAT_SETTINGS,
        useValue: { cancelGraceMs: 1_000, generationTimeoutMs: 1_000 },
      },
    ],
  }).compile();
  return {
    runner: module.get(GenerationRunner),
    replies: module.get(InFlightReplies),
    bus,
    store,
    lock,
  };
}

const job = (conversationId: string) => ({
  conversationId,
  messageId: 'm1',
  persist: true,
  request: { messages: [{ role: 'user' as const, content: 'hi' }] },
});

describe('GenerationRunner', () => {
  afterEach(() => vi.useRealTimers());

  it('has stored the reply and freed the conversation when `done` goes out', async () => {
    const { runner, replies, bus, store, lock } = await setUp();
    await store.append('c1', [{ role: 'user', content: 'hi', createdAt: '' }]);
    await lock.acquire('c1', 'm1', 60_000);
    const seenAtDone: { turns: number; active?: string }[] = [];
    const events: ChatEvent[] = [];
    bus.subscribe('c1').subscribe((event) => {
      events.push(event);
      if (event.type === 'done') {
        // Checked synchronously, as a client would the moment `done` arrives.
        void Promise.all([store.get('c1'), lock.holder('c1')]).then(
          ([c, active]) => seenAtDone.push({ turns: c!.turns.length, active }),
        );
      }
    });
    runner.start(job('c1'));
    await replies.drain(5_000);
    await vi.waitFor(() => expect(seenAtDone).toHaveLength(1));
    expect(seenAtDone[0]).toEqual({ turns: 2, active: undefined });
    expect(events.map((e) => e.type)).toEqual([
      'ready',
      'delta',
      'delta',
      'done',
      'message',
    ]);
  });

  it('keeps trying to free the conversation while the store is unreachable', async () => {
    vi.useFakeTimers();
    const { runner, store, lock } = await setUp();
    await store.append('c2', [{ role: 'user', content: 'hi', createdAt: '' }]);
    await lock.acquire('c2', 'm1', 600_000);
    lock.releaseFailures = 2;
    runner.start(job('c2'));
    await vi.advanceTimersByTimeAsync(100);
    expect(await lock.holder('c2')).toBe('m1');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(lock.releaseAttempts).toBe(3);
    expect(await lock.holder('c2')).toBeUndefined();
  });
});
