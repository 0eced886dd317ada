import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import {
  conversationState,
  expectCancelledOnRequest,
  untilIdle,
} from './support/conversation-state.js';
import type { SseClient } from './support/sse-client.js';
import {
  ConversationStreams,
  LONG_MESSAGE,
  postMessage,
  storedEvents,
} from './support/conversation-streams.js';

/** A user message whose echoed reply streams for several seconds. */
const HUGE = Array.from({ length: 1_800 }, (_, i) => `w${i}`).join(' ');

describe('two instances sharing one Redis (e2e, mock provider)', () => {
  let redis: RedisServer;
  let one: AppProcess;
  let two: AppProcess;
  let env: Record<string, string>;
  const streams = new ConversationStreams();
  const open = streams.ready;
  const send = postMessage;
  /** Waits for the unnamed `message` event, the last one of a reply. */
  const waitForLast = (client: SseClient, count = 1) =>
    client.waitFor(
      (c) => c.ofType('message').length >= count,
      15_000,
      'the final message event',
    );

  /** The end of a reply, replayed once it no longer runs. */
  const eventuallyEnded = async (
    id: string,
    messageId: string,
    from: string,
  ) => {
    await untilIdle(one, id);
    const replay = await open(one, id, { lastEventId: from });
    return JSON.parse((await replay.waitForEnd(messageId)).data) as Record<
      string,
      unknown
    >;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    env = {
      ...redisEnv(redis, 'e2e'),
      MOCK_DELAY_MS: '3',
      CANCEL_GRACE_MS: '300',
      REDIS_PRESENCE_TTL_MS: '1000',
    };
    [one, two] = await Promise.all([startApp(env), startApp(env)]);
  });
  afterEach(() => streams.closeAll());
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await redis?.dispose();
  });

  it('delivers every event of a reply posted on one instance to subscribers of both, in order', async () => {
    const id = `fanout-${randomUUID()}`;
    const [local, remote, remote2] = await Promise.all([
      open(one, id),
      open(two, id),
      open(two, id),
    ]);
    const sent = await send(one, id, 'Hello from instance one');
    expect(sent.status).toBe(202);
    await Promise.all([local, remote, remote2].map((c) => waitForLast(c)));
    const reference = storedEvents(local.events);
    expect(reference.map((e) => e.event)).toEqual([
      ...reference.slice(0, -2).map(() => 'delta'),
      'done',
      'message',
    ]);
    for (const client of [remote, remote2])
      expect(storedEvents(client.events)).toEqual(reference);
    const text = reference
      .filter((e) => e.event === 'delta')
      .map((e) => (JSON.parse(e.data) as { text: string }).text)
      .join('');
    expect(text).toContain('You said: Hello from instance one');
  });

  it('resumes on the other instance with exactly the missed events, wherever the client dropped', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `resume-${randomUUID()}`;
      const reference = await open(one, id);
      const leaving = await open(one, id);
      const sent = await send(
        one,
        id,
        `round ${round}: ${LONG_MESSAGE.slice(0, 300)}`,
      );
      expect(sent.status).toBe(202);
      const dropAfter = 1 + Math.floor(Math.random() * 40);
      await leaving.waitFor(
        (c) => c.ofType('delta').length >= dropAfter,
        10_000,
        `${dropAfter} deltas`,
      );
      await leaving.close();
      const lastEventId = leaving.lastEventId!;
      const resumed = await open(two, id, { lastEventId });
      expect(resumed.events[0]).toMatchObject({
        event: 'ready',
        id: lastEventId,
      });
      await Promise.all([waitForLast(reference), waitForLast(resumed)]);
      const all = storedEvents(reference.events);
      const missed = all.slice(all.findIndex((e) => e.id === lastEventId) + 1);
      expect(storedEvents(resumed.events)).toEqual(missed);
      expect([...storedEvents(leaving.events), ...missed]).toEqual(all);
    }
  });

  it('continues a conversation on one instance with the history written through the other', async () => {
    const id = `history-${randomUUID()}`;
    const watcher = await open(two, id);
    const first = await send(one, id, 'first');
    await watcher.waitForEnd(first.body.messageId, 15_000);
    // The reply is stored and the conversation released just after its last event.
    await untilIdle(two, id);
    const second = await send(two, id, 'second');
    expect(second.status).toBe(202);
    const done = await watcher.waitForEnd(second.body.messageId, 15_000);
    expect((JSON.parse(done.data) as { text: string }).text).toContain(
      'This is turn 2 of our conversation (3 messages seen)',
    );
    const conversation = await conversationState(one, id);
    expect(conversation.turns.map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('refuses a second reply on one instance while the other runs one (409), and stops it on a cancel posted to either', async () => {
    const id = `cancel-${randomUUID()}`;
    const watcher = await open(two, id);
    const running = await send(one, id, LONG_MESSAGE);
    expect(running.status).toBe(202);
    await watcher.waitFor((c) => c.ofType('delta').length > 0, 10_000);
    const refused = await send(two, id, 'me too');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'generation_in_progress',
      details: { activeMessageId: running.body.messageId },
    });
    const state = await conversationState(two, id);
    expect(state.activeMessageId).toBe(running.body.messageId);
    await expectCancelledOnRequest(two, id, watcher, running.body.messageId);
    // The claim is released by the instance that ran the reply.
    await untilIdle(two, id);
    const next = await send(two, id, 'now my turn');
    expect(next.status).toBe(202);
    await watcher.waitForEnd(next.body.messageId, 15_000);
  });

  it('stops a reply when its last listener, connected to the other instance, leaves', async () => {
    const id = `listeners-${randomUUID()}`;
    const watcher = await open(two, id);
    const running = await send(one, id, LONG_MESSAGE);
    await watcher.waitFor((c) => c.ofType('delta').length > 0, 10_000);
    await watcher.close();
    await untilIdle(one, id);
    const conversation = await conversationState(one, id);
    expect(conversation.turns.at(-1)?.status).toBe('cancelled');
    // Reconnecting afterwards shows how it ended.
    const late = await open(one, id, { lastEventId: watcher.lastEventId });
    const done = await late.waitForEnd(running.body.messageId);
    expect(JSON.parse(done.data)).toMatchObject({
      finishReason: 'cancelled',
      cancelReason: 'no_listeners',
    });
  });

  it('stops a reply whose only listener was on an instance that crashed', async () => {
    const id = `crash-${randomUUID()}`;
    const three = await startApp(env);
    try {
      const watcher = await open(three, id);
      const running = await send(one, id, HUGE);
      await watcher.waitFor((c) => c.ofType('delta').length > 0, 10_000);
      await three.stop('SIGKILL');
      // The dead instance's presence expires (REDIS_PRESENCE_TTL_MS), then the grace period runs.
      const late = await eventuallyEnded(
        id,
        running.body.messageId,
        watcher.events[0].id!,
      );
      expect(late).toMatchObject({
        finishReason: 'cancelled',
        cancelReason: 'no_listeners',
      });
    } finally {
      await three.stop();
    }
  });
});
