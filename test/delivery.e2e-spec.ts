import { connect, type Socket } from 'node:net';
import { startApp, type AppProcess } from './support/app-process.js';
import type { Accepted } from './support/chat-helpers.js';
import { conversationState, untilIdle } from './support/conversation-state.js';
import {
  eventually,
  postJson,
  SseClient,
  type ReceivedEvent,
} from './support/sse-client.js';

type Done = {
  messageId: string;
  text: string;
  finishReason: string;
  cancelReason?: string;
};

/** The events of one reply, as (id, type, data) triples, for exact comparisons. */
const replyEvents = (events: ReceivedEvent[], messageId: string) =>
  events.filter((e) => {
    if (e.event === 'message') return false;
    if (e.event === 'ready' || e.event === 'reset') return false;
    return (
      (JSON.parse(e.data) as { messageId?: string }).messageId === messageId
    );
  });

const send = (app: AppProcess, content: string, conversationId?: string) =>
  postJson<Accepted>(`${app.url}/server/send`, {
    conversationId,
    messages: [{ role: 'user', content }],
  });

describe('SSE delivery guarantees (e2e)', () => {
  let app: AppProcess;
  const clients: SseClient[] = [];
  const open = async (
    query = '',
    options?: Parameters<typeof SseClient.open>[1],
    target = app,
  ) => {
    const client = await SseClient.open(
      `${target.url}/server/events${query}`,
      options,
    );
    clients.push(client);
    return client;
  };
  const ready = (client: SseClient) =>
    client.waitFor((c) => c.ofType('ready').length > 0, 5_000, 'ready');

  beforeAll(async () => {
    app = await startApp({
      MOCK_DELAY_MS: '1',
      SSE_HEARTBEAT_MS: '250',
      SSE_RETRY_MS: '1500',
      CANCEL_GRACE_MS: '300',
      // Hundreds of reconnections a minute from one address: not what the
      // rate limiter is being tested for here.
      RATE_LIMIT_MAX: '100000',
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await app.stop();
  });

  it('resumes with Last-Event-ID: exactly the missed events, once each, in order (200 random disconnects)', async () => {
    const rounds = 200;
    const deadline = Date.now() + 50_000;
    let completed = 0;
    for (let round = 0; round < rounds && Date.now() < deadline; round++) {
      const conversation = `resume-${round}`;
      const witness = await open(`?conversationId=${conversation}`);
      const reader = await open(`?conversationId=${conversation}`);
      await Promise.all([ready(witness), ready(reader)]);
      const { body } = await send(
        app,
        `round ${round} of the resume test`,
        conversation,
      );
      const cut = 1 + Math.floor(Math.random() * 20);
      await reader.waitFor(
        (c) => replyEvents(c.events, body.messageId).length >= cut || c.ended,
        10_000,
        'cut point',
      );
      await reader.close();
      const seenBefore = replyEvents(reader.events, body.messageId);
      const lastId = reader.lastEventId!;
      // Alternate the two ways a client can say where it stands.
      const resumed =
        round % 2 === 0
          ? await open(`?conversationId=${conversation}`, {
              lastEventId: lastId,
            })
          : await open(`?conversationId=${conversation}&lastEventId=${lastId}`);
      // The reader may have seen the whole reply before it closed: then the
      // resumed stream rightly has nothing more of it.
      await witness.waitForEnd(body.messageId);
      const expected = replyEvents(witness.events, body.messageId);
      const combined = () => [
        ...seenBefore,
        ...replyEvents(resumed.events, body.messageId),
      ];
      await resumed
        .waitFor(
          (c) =>
            c.ofType('ready').length > 0 &&
            combined().length >= expected.length,
          10_000,
          'the missed events',
        )
        .catch(() => undefined);
      expect(resumed.events[0].event).toBe('ready');
      expect(resumed.ofType('reset')).toHaveLength(0);
      expect(combined()).toEqual(expected);
      await Promise.all([witness.close(), resumed.close()]);
      clients.length = 0;
      completed++;
    }
    expect(completed).toBeGreaterThanOrEqual(100);
  }, 60_000);

  it('sends reset when the missed events are no longer buffered', async () => {
    const small = await startApp({
      MOCK_DELAY_MS: '0',
      REPLAY_BUFFER_SIZE: '5',
    });
    try {
      const first = await open('?conversationId=tiny', undefined, small);
      await ready(first);
      const { body } = await send(
        small,
        'a reply much longer than five events',
        'tiny',
      );
      await first.waitForEnd(body.messageId);
      const early = replyEvents(first.events, body.messageId)[0].id!;
      const late = await open(
        '?conversationId=tiny',
        { lastEventId: early },
        small,
      );
      await late.waitFor((c) => c.ofType('reset').length === 1, 5_000, 'reset');
      expect(late.events.map((e) => e.event).slice(0, 2)).toEqual([
        'ready',
        'reset',
      ]);
      expect(late.ofType('delta')).toHaveLength(0);
    } finally {
      await small.stop();
    }
  });

  it('starts every stream with a retry hint and sends heartbeats on an idle stream', async () => {
    const client = await open('?conversationId=idle');
    await client.waitFor(
      (c) => c.comments.filter((x) => x.trim() === 'ping').length >= 2,
      5_000,
      'two pings',
    );
    expect(client.retries).toEqual([1500]);
    expect(client.raw.indexOf('retry: 1500')).toBeLessThan(
      client.raw.indexOf(': ping'),
    );
    expect(client.ofType('delta')).toHaveLength(0);
  });

  it('sends headers that no proxy or browser buffers, and never compresses the stream', async () => {
    const client = await open('', {
      headers: { 'Accept-Encoding': 'gzip, deflate, br' },
    });
    await ready(client);
    const headers = client.response.headers;
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(headers.get('cache-control')).toContain('no-cache');
    expect(headers.get('cache-control')).toContain('no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('connection')).toBe('keep-alive');
    expect(headers.get('content-encoding')).toBeNull();
    // JSON answers are still compressed when large enough.
    const docs = await fetch(`${app.url}/docs-json`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    expect(docs.headers.get('content-encoding')).toBe('gzip');
  });

  it('stops a reply when its last listener has been gone for the grace period', async () => {
    const slow = await startApp({
      MOCK_DELAY_MS: '40',
      CANCEL_GRACE_MS: '200',
    });
    try {
      const client = await open('?conversationId=left', undefined, slow);
      await ready(client);
      const { body } = await send(
        slow,
        'a question whose answer nobody waits for',
        'left',
      );
      await client.waitFor(
        (c) => c.ofType('delta').length >= 2,
        10_000,
        'two deltas',
      );
      await client.close();
      const turns = async () => (await conversationState(slow, 'left')).turns;
      await eventually(
        async () => (await turns()).length === 2,
        10_000,
        'the reply to be stored',
      );
      expect((await turns())[1].status).toBe('cancelled');
      const replay = await open(
        '?conversationId=left',
        { lastEventId: client.lastEventId },
        slow,
      );
      const end = JSON.parse(
        (await replay.waitForEnd(body.messageId)).data,
      ) as Done;
      expect(end.finishReason).toBe('cancelled');
      expect(end.cancelReason).toBe('no_listeners');
      expect(end.text.length).toBeGreaterThan(0);
    } finally {
      await slow.stop();
    }
  });

  it('stops a reply on request: done with finishReason cancelled and the partial text; 409 when idle', async () => {
    const slow = await startApp({ MOCK_DELAY_MS: '40' });
    try {
      const client = await open('?conversationId=stop-me', undefined, slow);
      await ready(client);
      const { body } = await send(
        slow,
        'please write a long answer',
        'stop-me',
      );
      await client.waitFor(
        (c) => c.ofType('delta').length >= 2,
        10_000,
        'two deltas',
      );
      const cancel = await postJson(
        `${slow.url}/server/conversations/stop-me/cancel`,
        {},
      );
      expect(cancel.status).toBe(202);
      const end = JSON.parse(
        (await client.waitForEnd(body.messageId)).data,
      ) as Done;
      const streamed = client
        .json<{ messageId: string; text: string }>('delta')
        .map((d) => d.text)
        .join('');
      expect(end.finishReason).toBe('cancelled');
      expect(end.text).toBe(streamed);
      expect(end.text.length).toBeLessThan(100);
      await client.waitFor((c) => c.ofType('message').length === 1);
      expect(client.ofType('message')[0].data).toBe(`${streamed}\n\n[stopped]`);
      const again = await postJson<{ code: string }>(
        `${slow.url}/server/conversations/stop-me/cancel`,
        {},
      );
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('no_active_generation');
    } finally {
      await slow.stop();
    }
  });

  it('keeps the history on the server: three turns reach the provider, 409 while one runs', async () => {
    const client = await open('?conversationId=history');
    await ready(client);
    for (let turn = 1; turn <= 3; turn++) {
      const sent = await send(app, `message ${turn}`, 'history');
      expect(sent.status).toBe(202);
      if (turn === 1) {
        const busy = await send(app, 'too early', 'history');
        expect(busy.status).toBe(409);
        expect(busy.body).toMatchObject({
          code: 'generation_in_progress',
          details: { activeMessageId: sent.body.messageId },
        });
      }
      const end = JSON.parse(
        (await client.waitForEnd(sent.body.messageId)).data,
      ) as Done;
      expect(end.text).toContain(`You said: message ${turn}`);
      expect(end.text).toContain(
        `This is turn ${turn} of our conversation (${2 * turn - 1} messages seen)`,
      );
      await untilIdle(app, 'history', 10_000);
    }
    const stored = await conversationState(app, 'history');
    expect(stored.turns.map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(
      stored.turns
        .filter((t) => t.role === 'assistant')
        .every((t) => t.status === 'complete'),
    ).toBe(true);
  });

  it('accepts the whole conversation from clients that resend it (the original page shape)', async () => {
    const client = await open('?conversationId=full-array');
    await ready(client);
    const first = await send(app, 'first', 'full-array');
    const reply = (
      JSON.parse((await client.waitForEnd(first.body.messageId)).data) as Done
    ).text;
    await untilIdle(app, 'full-array', 10_000);
    const second = await postJson<Accepted>(`${app.url}/server/send`, {
      conversationId: 'full-array',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: reply },
        { role: 'user', content: 'second' },
      ],
    });
    const end = JSON.parse(
      (await client.waitForEnd(second.body.messageId)).data,
    ) as Done;
    expect(end.text).toContain(
      'This is turn 2 of our conversation (3 messages seen)',
    );
  });

  it('deletes a conversation, and 404s for unknown ones', async () => {
    const client = await open('?conversationId=doomed');
    await ready(client);
    const sent = await send(app, 'hello', 'doomed');
    await client.waitForEnd(sent.body.messageId);
    await eventually(async () => {
      const state = await conversationState(app, 'doomed');
      return state.activeMessageId === undefined && state.turns.length === 2;
    });
    expect(
      (
        await fetch(`${app.url}/server/conversations/doomed`, {
          method: 'DELETE',
          headers: { 'X-Requested-With': 'test' },
        })
      ).status,
    ).toBe(204);
    const gone = await fetch(`${app.url}/server/conversations/doomed`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: string }).code).toBe(
      'conversation_not_found',
    );
    expect(
      (await fetch(`${app.url}/server/conversations/..%2Fetc`)).status,
    ).toBe(400);
  });

  it('drops a subscriber that does not read, while the others keep receiving everything', async () => {
    const limited = await startApp({
      MOCK_DELAY_MS: '0',
      SSE_MAX_PENDING_CHARS: '4096',
      MAX_MESSAGE_CHARS: '60000',
    });
    let stalled: Socket | undefined;
    try {
      stalled = connect(limited.port, '127.0.0.1');
      stalled.write(
        `GET /server/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      );
      // Reads the response head, then never reads again: the kernel buffers fill up.
      await new Promise<void>((resolve) =>
        stalled!.once('data', () => resolve()),
      );
      stalled.pause();
      const reader = await open('', undefined, limited);
      await ready(reader);
      const words = 'word '.repeat(10_000).trim();
      const posts: Accepted[] = [];
      for (let i = 0; i < 12; i++)
        posts.push((await send(limited, `${i} ${words}`)).body);
      for (const post of posts) await reader.waitForEnd(post.messageId, 30_000);
      await eventually(
        () => /not reading its events/.test(limited.output()),
        15_000,
        'the stalled client to be dropped',
      );
      for (const post of posts) {
        const done = reader
          .json<Done>('done')
          .find((d) => d.messageId === post.messageId)!;
        const streamed = reader
          .json<{ messageId: string; text: string }>('delta')
          .filter((d) => d.messageId === post.messageId)
          .map((d) => d.text)
          .join('');
        expect(streamed).toBe(done.text);
      }
    } finally {
      stalled?.destroy();
      await limited.stop();
    }
  }, 90_000);

  it('limits open streams per client with a 429 naming the limit', async () => {
    const limited = await startApp({ SSE_MAX_STREAMS_PER_IP: '2' });
    try {
      const a = await open('', undefined, limited);
      const b = await open('', undefined, limited);
      await Promise.all([ready(a), ready(b)]);
      const third = await fetch(`${limited.url}/server/events`);
      expect(third.status).toBe(429);
      const body = (await third.json()) as { code: string; message: string };
      expect(body.code).toBe('too_many_streams_per_client');
      expect(body.message).toContain('SSE_MAX_STREAMS_PER_IP');
      await a.close();
      await eventually(
        async () => {
          const retry = await fetch(`${limited.url}/server/events`, {
            signal: AbortSignal.timeout(2_000),
          }).catch(() => undefined);
          const ok = retry?.status === 200;
          await retry?.body?.cancel();
          return ok;
        },
        5_000,
        'a slot to free up',
      );
    } finally {
      await limited.stop();
    }
  });

  it('enforces message size, history length and the number of conversations kept', async () => {
    const limited = await startApp({
      MAX_MESSAGE_CHARS: '50',
      MAX_HISTORY_MESSAGES: '3',
      MAX_CONVERSATIONS: '2',
      MOCK_DELAY_MS: '0',
    });
    try {
      const tooLong = await send(limited, 'x'.repeat(51), 'c1');
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(tooLong.body)).toContain('messages.0.content');
      expect(JSON.stringify(tooLong.body)).toContain('MAX_MESSAGE_CHARS');
      const many = await postJson(`${limited.url}/server/send`, {
        messages: Array.from({ length: 5 }, (_, i) => ({
          role: i % 2 ? 'assistant' : 'user',
          content: 'x',
        })),
      });
      expect(many.status).toBe(400);
      expect(JSON.stringify(many.body)).toContain('MAX_HISTORY_MESSAGES');
      for (const id of ['c1', 'c2', 'c3']) {
        expect((await send(limited, 'hi', id)).status).toBe(202);
        await eventually(async () => {
          const state = (await fetch(
            `${limited.url}/server/conversations/${id}`,
          ).then((r) => r.json())) as { activeMessageId?: string };
          return state.activeMessageId === undefined;
        });
      }
      expect(
        (await fetch(`${limited.url}/server/conversations/c1`)).status,
      ).toBe(404);
      expect(
        (await fetch(`${limited.url}/server/conversations/c3`)).status,
      ).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('graceful shutdown (e2e)', () => {
  it('finishes running replies, ends every stream with a shutdown event, refuses new work, exits 0', async () => {
    const app = await startApp({
      MOCK_DELAY_MS: '25',
      SHUTDOWN_GRACE_MS: '8000',
      SSE_RETRY_MS: '1234',
    });
    const streams = await Promise.all(
      ['', '', '?conversationId=other'].map((q) =>
        SseClient.open(`${app.url}/server/events${q}`),
      ),
    );
    try {
      await Promise.all(
        streams.map((s) => s.waitFor((c) => c.ofType('ready').length > 0)),
      );
      const { body } = await send(app, 'finish me before you go');
      await streams[0].waitFor((c) => c.ofType('delta').length >= 1);
      const exited = app.stop('SIGTERM');
      await eventually(
        async () => {
          const answer = await send(app, 'too late').catch(() => undefined);
          return answer === undefined || answer.status === 503;
        },
        5_000,
        'new messages to be refused',
      );
      expect(await exited).toBe(0);
      for (const stream of streams) {
        await stream.waitFor((c) => c.ended, 5_000, 'the stream to end');
        const shutdown = stream.ofType('shutdown');
        expect(shutdown).toHaveLength(1);
        expect(JSON.parse(shutdown[0].data)).toMatchObject({
          reason: 'server_shutdown',
          retryMs: 1234,
        });
        // The final event keeps the client's position, so it resumes where it was.
        expect(shutdown[0].id).toBe(stream.events.at(-2)!.id);
      }
      for (const stream of streams.slice(0, 2)) {
        const done = stream
          .json<Done>('done')
          .find((d) => d.messageId === body.messageId);
        expect(done?.finishReason).toBe('stop');
        const order = stream.events.map((e) => e.event);
        expect(order.indexOf('done')).toBeLessThan(order.indexOf('shutdown'));
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
      await app.stop('SIGKILL');
    }
  });

  it('stops replies still running at the deadline; they end with done (cancelled), never silently', async () => {
    const app = await startApp({
      MOCK_DELAY_MS: '300',
      SHUTDOWN_GRACE_MS: '300',
    });
    const stream = await SseClient.open(`${app.url}/server/events`);
    try {
      await stream.waitFor((c) => c.ofType('ready').length > 0);
      const { body } = await send(
        app,
        'a reply that takes far longer than the grace period',
      );
      await stream.waitFor((c) => c.ofType('delta').length >= 1);
      expect(await app.stop('SIGTERM')).toBe(0);
      const end = JSON.parse(
        (await stream.waitForEnd(body.messageId)).data,
      ) as Done;
      expect(end).toMatchObject({
        finishReason: 'cancelled',
        cancelReason: 'shutdown',
      });
      expect(stream.ofType('shutdown')).toHaveLength(1);
    } finally {
      await stream.close();
    }
  });
});
