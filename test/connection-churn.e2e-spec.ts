import { readFileSync } from 'node:fs';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { startApp, type AppProcess } from './support/app-process.js';
import { churn } from './support/churn-clients.js';
import { conversationState } from './support/conversation-state.js';
import { GC_ON_SIGNAL_OPTIONS, liveHeapMb } from './support/live-heap.js';
import { rawRequest } from './support/raw-request.js';
import { eventually, postJson, SseClient } from './support/sse-client.js';

const STREAMS_PER_CLIENT = 24;
const ROUND = 1_000;

/** Sums every series of a metric in a Prometheus text scrape. */
function metric(scrape: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of scrape.split('\n')) {
    if (line.startsWith(`${name}{${labels}`) || line.startsWith(`${name} `)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** RSS of the app process in MB, from /proc. */
function rssMb(app: AppProcess): number {
  const status = readFileSync(`/proc/${app.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** RSS once it stops moving (an idle app allocates nothing), in MB. */
async function settledRss(app: AppProcess): Promise<number> {
  let previous = rssMb(app);
  let current = previous;
  await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      [previous, current] = [current, rssMb(app)];
      return Math.abs(current - previous) < 1;
    },
    15_000,
    'RSS to settle',
  );
  return current;
}

describe('connection churn (e2e): 2 000 clients come and go while replies stream', () => {
  let app: AppProcess;
  /** Sockets of a fresh app during a scrape: its stdio pipes and the scrape's own connection. */
  let idleSockets: number;
  const scrape = async () =>
    (
      await rawRequest(app.url, {
        method: 'GET',
        path: '/metrics',
        headers: { Connection: 'close' },
      })
    ).text;
  /** Waits for every reply to end and every connection to go, then reads the counters. */
  const settled = async () => {
    let text = '';
    let state = {};
    await eventually(
      async () => {
        text = await scrape();
        state = {
          openStreams: metric(text, 'chatgw_open_streams'),
          running:
            metric(text, 'chatgw_generations_started_total') -
            metric(text, 'chatgw_generations_finished_total') -
            metric(text, 'chatgw_generations_failed_total'),
          sockets: metric(text, 'nodejs_active_handles', 'type="Socket"'),
        };
        return isEqual(state, {
          openStreams: 0,
          running: 0,
          sockets: idleSockets,
        });
      },
      20_000,
      'no open stream, no running reply, no socket left by the clients',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(state)}`);
    });
    return text;
  };

  beforeAll(async () => {
    app = await startApp({
      MOCK_DELAY_MS: '3',
      SSE_MAX_STREAMS_PER_IP: String(STREAMS_PER_CLIENT),
      SSE_HEARTBEAT_MS: '200',
      CANCEL_GRACE_MS: '200',
      RATE_LIMIT_MAX: '100000',
      // Small caps, so that the warm-up fills every buffer and the rounds
      // compare like with like.
      REPLAY_BUFFER_SIZE: '200',
      MAX_HISTORY_MESSAGES: '20',
      NODE_OPTIONS: GC_ON_SIGNAL_OPTIONS,
    });
    idleSockets = metric(
      await scrape(),
      'nodejs_active_handles',
      'type="Socket"',
    );
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('releases every stream slot, subscription, listener and socket, and memory settles', async () => {
    await churn(app, 300);
    await settled();
    const baselineMb = await settledRss(app);

    const baselineHeapMb = await liveHeapMb(app);
    const first = await churn(app, ROUND);
    await settled();
    const afterFirstHeapMb = await liveHeapMb(app);
    const second = await churn(app, ROUND);
    const counters = await settled();
    const afterSecondHeapMb = await liveHeapMb(app);
    const settledMb = await settledRss(app);

    for (const round of [first, second]) {
      expect(round.failed).toEqual([]);
      expect(round.opened + round.refused).toBeGreaterThan(ROUND * 0.7);
      expect(round.refused).toBeLessThan(ROUND * 0.05);
    }
    expect(metric(counters, 'chatgw_generations_failed_total')).toBe(0);
    // Live memory after a full GC: 1 000 more connections may not add a
    // thing (a leak of 2 KB each would show); every buffer is at its cap
    // after the warm-up.
    expect(afterSecondHeapMb - afterFirstHeapMb).toBeLessThan(2);
    expect(afterFirstHeapMb - baselineHeapMb).toBeLessThan(4);
    // RSS also counts freed heap pages and malloc arenas that Node keeps:
    // only a coarse bound.
    expect(settledMb - baselineMb).toBeLessThan(120);

    // Every slot came back: the full number of streams opens again, no more.
    const streams = await Promise.all(
      Array.from({ length: STREAMS_PER_CLIENT }, () =>
        SseClient.open(`${app.url}/server/events?conversationId=churn-0`),
      ),
    );
    try {
      expect(streams.map((s) => s.response.status)).toEqual(
        Array(STREAMS_PER_CLIENT).fill(200),
      );
      await Promise.all(
        streams.map((s) => s.waitFor((c) => c.ofType('ready').length > 0)),
      );
      const extra = await fetch(`${app.url}/server/events`);
      expect(extra.status).toBe(429);
      await extra.body?.cancel();
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
    await settled();
  });

  it('still counts listeners right: a reply whose last listener leaves is stopped', async () => {
    const client = await SseClient.open(
      `${app.url}/server/events?conversationId=churn-1`,
    );
    await client.waitFor((c) => c.ofType('ready').length > 0);
    const { body } = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      {
        conversationId: 'churn-1',
        messages: [{ role: 'user', content: 'long '.repeat(2_000) }],
      },
    );
    await client.waitFor((c) => c.ofType('delta').length > 0);
    await client.close();
    await eventually(
      async () => {
        const conversation = await conversationState(app, 'churn-1');
        const reply = conversation.turns.find(
          (t) => t.messageId === body.messageId,
        );
        return reply?.status === 'cancelled';
      },
      10_000,
      'the reply stopped for want of listeners',
    );
  });
});
