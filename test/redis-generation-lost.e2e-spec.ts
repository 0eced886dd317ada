import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from './support/app-process.js';
import { conversationState } from './support/conversation-state.js';
import { replyOf, send, subscribe } from './support/chat-helpers.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { eventually, type SseClient } from './support/sse-client.js';

/** A user message whose echoed reply streams for many seconds. */
const HUGE = Array.from({ length: 1_800 }, (_, i) => `w${i}`).join(' ');
const LEASE_MS = 1_500;

describe('an instance killed in the middle of a reply (e2e, Redis)', () => {
  let redis: RedisServer;
  let env: Record<string, string>;
  let survivor: AppProcess;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    env = {
      ...redisEnv(redis, 'lost'),
      MOCK_DELAY_MS: '5',
      GENERATION_LEASE_MS: String(LEASE_MS),
    };
    survivor = await startApp(env);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await survivor?.stop();
    await redis?.dispose();
  });

  it.each([
    ['a stored conversation', `lost-${randomUUID()}`],
    ['the default conversation', undefined],
  ])(
    'ends the reply in %s with generation_lost for subscribers of another instance, keeping its text',
    async (_, conversationId) => {
      const doomed = await startApp(env);
      try {
        const watcher = await subscribe(survivor, conversationId);
        clients.push(watcher);
        const running = await send(
          doomed,
          [{ role: 'user', content: HUGE }],
          conversationId,
        );
        await watcher.waitFor(
          (c) => c.ofType('delta').length >= 5,
          10_000,
          'deltas from the doomed instance',
        );
        await doomed.stop('SIGKILL');
        const killedAt = Date.now();
        const end = await replyOf(watcher, running.messageId, LEASE_MS * 4);
        const noticedAfter = Date.now() - killedAt;
        expect(end).toMatchObject({
          event: 'error',
          code: 'generation_lost',
          message: expect.stringContaining('stopped') as string,
        });
        // Within the lease and one look for lapsed leases, plus delivery.
        expect(noticedAfter).toBeLessThan(LEASE_MS * 1.25 + 1_500);
        expect(end.text).toBe(end.deltas.join(''));
        expect(end.text.length).toBeGreaterThan(0);
        // The whole reply for `onmessage` pages follows the error event.
        await watcher.waitFor(
          (c) => c.events.at(-1)?.event === 'message',
          5_000,
          'the unnamed message event',
        );
        const last = watcher.events.at(-1)!;
        expect(last.data).toBe(`${end.text}\n\n[error] ${end.message}`);
        if (!conversationId) return;
        // Stored, and the conversation is free for the next message.
        const conversation = await conversationState(survivor, conversationId);
        expect(conversation.activeMessageId).toBeUndefined();
        expect(conversation.turns.at(-1)).toMatchObject({
          role: 'assistant',
          content: end.text,
          status: 'error',
        });
        const next = await send(
          survivor,
          [{ role: 'user', content: 'are you there?' }],
          conversationId,
        );
        const answer = await replyOf(watcher, next.messageId, 10_000);
        expect(answer.event).toBe('done');
      } finally {
        await doomed.stop();
      }
    },
  );

  it('does not end a reply whose instance is alive, however long it runs', async () => {
    const id = `alive-${randomUUID()}`;
    const watcher = await subscribe(survivor, id);
    clients.push(watcher);
    const running = await send(
      survivor,
      [{ role: 'user', content: HUGE.slice(0, 4_000) }],
      id,
    );
    const end = await replyOf(watcher, running.messageId, 30_000);
    expect(end.event).toBe('done');
    // It outlived several leases without being taken for dead.
    await eventually(() => watcher.ofType('message').length === 1, 5_000);
    expect(watcher.ofType('error')).toHaveLength(0);
  });
});
