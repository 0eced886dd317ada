import {
  startApp,
  startAppExpectingFailure,
  type AppProcess,
} from './support/app-process.js';
import { conversationState } from './support/conversation-state.js';
import { preflight } from './support/cors.js';
import { postJson, SseClient } from './support/sse-client.js';

interface Accepted {
  conversationId: string;
  messageId: string;
}

const EXPECTED_REPLY = (text: string, turns = 1, seen = 1) =>
  `You said: ${text}\n\nThis is turn ${turns} of our conversation (${seen} messages seen). ` +
  'I am the offline mock model, so I answer by echoing.';

describe('seed-compatible chat (e2e, mock provider)', () => {
  let app: AppProcess;
  const clients: SseClient[] = [];
  const open = async (
    path: string,
    options?: Parameters<typeof SseClient.open>[1],
  ) => {
    const client = await SseClient.open(`${app.url}${path}`, options);
    clients.push(client);
    await client.waitFor((c) => c.ofType('ready').length > 0, 5_000, 'ready');
    return client;
  };

  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '5' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await app.stop();
  });

  it('delivers every event of a reply to every subscriber of the default stream', async () => {
    const [a, b] = await Promise.all([
      open('/server/events'),
      open('/server/events'),
    ]);
    const sent = await postJson<Accepted>(`${app.url}/server/send`, {
      messages: [{ role: 'user', content: 'Hello\nsecond line' }],
    });
    expect(sent.status).toBe(202);
    expect(sent.body.conversationId).toBe('default');
    await Promise.all([
      a.waitForEnd(sent.body.messageId),
      b.waitForEnd(sent.body.messageId),
    ]);
    await Promise.all([
      a.waitFor((c) => c.ofType('message').length === 1),
      b.waitFor((c) => c.ofType('message').length === 1),
    ]);

    const reply = EXPECTED_REPLY('Hello\nsecond line');
    for (const client of [a, b]) {
      const deltas = client.json<{ messageId: string; text: string }>('delta');
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.every((d) => d.messageId === sent.body.messageId)).toBe(
        true,
      );
      expect(deltas.map((d) => d.text).join('')).toBe(reply);
      const [done] = client.json<{
        text: string;
        finishReason: string;
        usage: Record<string, number>;
      }>('done');
      expect(done.text).toBe(reply);
      expect(done.finishReason).toBe('stop');
      expect(done.usage.totalTokens).toBe(
        done.usage.promptTokens + done.usage.completionTokens,
      );
      // The original page's unnamed event: the whole reply, multi-line framing intact.
      expect(client.ofType('message')[0].data).toBe(reply);
      expect(client.raw).toContain(
        'data: You said: Hello\ndata: second line\ndata: \ndata: This is turn',
      );
    }
    const ids = (c: SseClient) =>
      c.events.filter((e) => e.event !== 'ready').map((e) => e.id);
    expect(ids(a)).toEqual(ids(b));
    expect(new Set(ids(a)).size).toBe(ids(a).length);
  });

  it('answers 202 at once, without any subscriber, while the reply is still being generated', async () => {
    const slow = await startApp({
      MOCK_DELAY_MS: '200',
      SHUTDOWN_GRACE_MS: '0',
    });
    try {
      const sent = await postJson<Accepted>(`${slow.url}/server/send`, {
        conversationId: 'nobody-listens',
        messages: [{ role: 'user', content: 'anyone there?' }],
      });
      expect(sent.status).toBe(202);
      const state = await conversationState(slow, 'nobody-listens');
      expect(state.activeMessageId).toBe(sent.body.messageId);
    } finally {
      await slow.stop();
    }
  });

  it("keeps conversations apart: A's subscriber never sees B's events", async () => {
    const [a, b] = await Promise.all([
      open('/server/events?conversationId=conv-a'),
      open('/server/events?conversationId=conv-b'),
    ]);
    const toB = await postJson<Accepted>(`${app.url}/server/send`, {
      conversationId: 'conv-b',
      messages: [{ role: 'user', content: 'only for B' }],
    });
    const toA = await postJson<Accepted>(`${app.url}/server/send`, {
      conversationId: 'conv-a',
      messages: [{ role: 'user', content: 'only for A' }],
    });
    await Promise.all([
      a.waitForEnd(toA.body.messageId),
      b.waitForEnd(toB.body.messageId),
    ]);
    const messageIds = (c: SseClient) =>
      new Set(
        c.events
          .filter((e) => e.event === 'delta' || e.event === 'done')
          .map((e) => JSON.parse(e.data).messageId),
      );
    expect([...messageIds(a)]).toEqual([toA.body.messageId]);
    expect([...messageIds(b)]).toEqual([toB.body.messageId]);
    expect(a.raw).not.toContain('only for B');
  });

  it('runs concurrent replies in the default conversation (never 409 there)', async () => {
    const client = await open('/server/events');
    const posts = await Promise.all(
      [1, 2, 3].map((n) =>
        postJson<Accepted>(`${app.url}/server/send`, {
          messages: [{ role: 'user', content: `parallel ${n}` }],
        }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual([202, 202, 202]);
    await Promise.all(posts.map((p) => client.waitForEnd(p.body.messageId)));
    const texts = client
      .json<{ text: string }>('done')
      .map((d) => d.text)
      .sort();
    expect(texts).toEqual(
      [1, 2, 3].map((n) => EXPECTED_REPLY(`parallel ${n}`)).sort(),
    );
  });

  it('answers CORS for a local page of another origin and for a page opened as a file, not for other sites', async () => {
    const send = `${app.url}/server/send`;
    const local = await preflight(send, 'http://localhost:5173');
    expect(local.status).toBeLessThan(300);
    expect(local.headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );
    expect(
      local.headers.get('access-control-allow-headers')?.toLowerCase(),
    ).toContain('content-type');
    const elsewhere = await preflight(send, 'http://elsewhere.example');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    const sent = await postJson(
      `${app.url}/server/send`,
      { messages: [{ role: 'user', content: 'hi' }] },
      { Origin: 'null' },
    );
    expect(sent.headers.get('access-control-allow-origin')).toBe('null');
    const controller = new AbortController();
    const events = await fetch(`${app.url}/server/events`, {
      headers: { Origin: 'null' },
      signal: controller.signal,
    });
    expect(events.headers.get('access-control-allow-origin')).toBe('null');
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
  });

  it('serves the browser client at / and the OpenAPI document at /docs-json', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const doc = (await fetch(`${app.url}/docs-json`).then((r) => r.json())) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/server/send', '/server/events']),
    );
    const docs = await fetch(`${app.url}/docs`);
    expect(docs.status).toBe(200);
  });
});

describe('start-up configuration', () => {
  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['LLM_PROVIDER', { LLM_PROVIDER: 'skynet' }],
    ['MOCK_DELAY_MS', { MOCK_DELAY_MS: '-5' }],
    ['SSE_HEARTBEAT_MS', { SSE_HEARTBEAT_MS: 'often' }],
  ])('refuses to start with a bad %s and names it', async (variable, env) => {
    const { code, output } = await startAppExpectingFailure(env);
    expect(code).toBe(1);
    expect(output).toContain(variable);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
