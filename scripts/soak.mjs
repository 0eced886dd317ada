#!/usr/bin/env node
/**
 * Soak test: runs the built app (offline mock model with a small delay) under
 * a steady, bounded load on loopback for N minutes and reports every minute
 * the app's memory (RSS from /proc), the latency of a cheap route as a proxy
 * for event-loop lag (plus `nodejs_eventloop_lag_*` from /metrics when the
 * app has it), and every error seen. Not part of CI.
 *
 *   npm run soak -- --minutes 30 [--warmup 2] [--streams 40] [--posts 20]
 *                   [--mock-delay 5] [--replay-ttl-ms 60000]
 *                   [--main dist/main.js] [--json out.json]
 *
 * The load: `--streams` SSE subscribers (half on the default conversation,
 * half on conversations with history), each reconnecting with Last-Event-ID
 * after a random 5 to 60 s; `--posts` POST /server/send per second, to the
 * default conversation or to one of a pool of conversations (one reply at a
 * time each, deleted after 10 turns so the store does not grow); a witness
 * stream checks that every accepted reply ends with `done`.
 *
 * Exit 1 when RSS grows more than 5 % after the warm-up (lower quartiles of
 * 2-second samples over the first and the last third of the time after it),
 * when a reply is lost or fails, when a request fails unexpectedly, or when
 * the app dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createParser } from 'eventsource-parser';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    warmup: { type: 'string' },
    streams: { type: 'string', default: '40' },
    posts: { type: 'string', default: '20' },
    'mock-delay': { type: 'string', default: '5' },
    main: { type: 'string', default: 'dist/main.js' },
    json: { type: 'string' },
    'replay-ttl-ms': { type: 'string', default: '60000' },
  },
});
const MINUTES = Number(args.minutes);
const WARMUP_MINUTES = Number(args.warmup ?? Math.min(2, MINUTES / 5));
const STREAMS = Number(args.streams);
const POSTS_PER_SECOND = Number(args.posts);
const MAIN = resolve(args.main);
const RSS_GROWTH_LIMIT = 0.05;
const REPLY_DEADLINE_MS = 30_000;
const CONVERSATION_POOL = 8;
const TURNS_PER_CONVERSATION = 10;

if (!(MINUTES > 0) || !(WARMUP_MINUTES >= 0) || WARMUP_MINUTES >= MINUTES) {
  fail('--minutes must be > 0 and --warmup smaller than --minutes');
}
if (!existsSync(MAIN)) fail(`${MAIN} not found: run "npm run build" first`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const stats = newMinuteStats();
const totals = {
  postsAccepted: 0,
  postsRejected: 0,
  replies: 0,
  replyErrors: 0,
  lostReplies: 0,
  streamFailures: 0,
  requestFailures: 0,
  /** The first errors in full, for the final report. */
  errorLog: [],
};
const rssSamples = []; // { at, mb }
const minutes = [];
let minutesReported = 0;
let stopping = false;

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = spawn(process.execPath, [MAIN], {
  cwd: tmpdir(),
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'error',
    LLM_PROVIDER: 'mock',
    MOCK_DELAY_MS: args['mock-delay'],
    CANCEL_GRACE_MS: '2000',
    SHUTDOWN_GRACE_MS: '2000',
    // Replay buffers of finished conversations live this long: with the
    // default 15 min, memory would climb for 15 min before its steady state.
    REPLAY_BUFFER_TTL_MS: args['replay-ttl-ms'],
    // One client makes all the load: the per-address limit is not under test.
    RATE_LIMIT_MAX: '100000000',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let appExit;
app.on('exit', (code, signal) => {
  appExit = { code, signal };
  if (!stopping) {
    console.error(`the app exited during the soak (${code ?? signal})`);
    finish();
  }
});
await waitUntilUp();
console.log(
  `soak: pid ${app.pid} on ${base}, ${MINUTES} min (warm-up ${WARMUP_MINUTES} min), ` +
    `${STREAMS} streams, ${POSTS_PER_SECOND} POST/s, mock delay ${args['mock-delay']} ms`,
);
const hasMetrics = (await get('/metrics')).status === 200;

// ── load ─────────────────────────────────────────────────────────────────
const pending = new Map(); // messageId -> { at, conversationId }
const witnesses = new Map(); // conversationId -> Subscriber (never churned)
const subscribers = new Set();
const pool = Array.from({ length: CONVERSATION_POOL }, (_, slot) => ({
  slot,
  generation: 0,
  turns: 0,
  busy: false,
  get id() {
    return `soak-${this.slot}-${this.generation}`;
  },
}));
witnesses.set(
  'default',
  openSubscriber(() => 'default', { witness: true }),
);
for (const member of pool) {
  witnesses.set(
    member.id,
    openSubscriber(() => member.id, { witness: true }),
  );
}
await Promise.all([...witnesses.values()].map((w) => w.ready));
for (let i = 0; i < STREAMS; i++) {
  const member = pool[i % CONVERSATION_POOL];
  subscribers.add(
    openSubscriber(i % 2 === 0 ? () => 'default' : () => member.id, {}),
  );
}

const postTimer = setInterval(() => void postOne(), 1000 / POSTS_PER_SECOND);
const probeTimer = setInterval(() => void probe(), 200);
const rssTimer = setInterval(sampleRss, 2_000);
const lostTimer = setInterval(checkLost, 1_000);
const startedAt = Date.now();
sampleRss();
const minuteTimer = setInterval(() => void reportMinute(), 60_000);
const endTimer = setTimeout(() => void finish(), MINUTES * 60_000);

async function postOne() {
  if (stopping) return;
  const toDefault = Math.random() < 0.6;
  let member;
  if (!toDefault) {
    member = pool.find((m) => !m.busy && Math.random() < 0.5);
    if (!member) return;
    member.busy = true;
  }
  const conversationId = member?.id;
  const text = `soak ${Date.now()} ${'lorem ipsum '.repeat(1 + Math.floor(Math.random() * 8))}`;
  const messages = toDefault
    ? [
        { role: 'user', content: 'earlier question' },
        { role: 'assistant', content: 'earlier answer' },
        { role: 'user', content: text },
      ]
    : [{ role: 'user', content: text }];
  const answer = await request('POST', '/server/send', {
    messages,
    ...(conversationId ? { conversationId } : {}),
  });
  if (stopping) return;
  if (answer.status === 202) {
    const { messageId } = JSON.parse(answer.body);
    totals.postsAccepted++;
    stats.posts++;
    pending.set(messageId, {
      at: Date.now(),
      conversationId: conversationId ?? 'default',
      member,
    });
  } else {
    if (member) member.busy = false;
    totals.postsRejected++;
    stats.postErrors.push(answer.status);
    totals.errorLog.push(`POST ${answer.status} ${answer.body.slice(0, 200)}`);
  }
}

function settle(messageId, type) {
  const entry = pending.get(messageId);
  if (!entry) return;
  pending.delete(messageId);
  stats.latencies.reply.push(Date.now() - entry.at);
  if (type === 'done') {
    totals.replies++;
    stats.replies++;
  } else {
    totals.replyErrors++;
    stats.replyErrors++;
  }
  const member = entry.member;
  if (member) void nextTurn(member);
}

/** After a reply ends: maybe retire the conversation (DELETE) and start a new one. */
async function nextTurn(member) {
  member.turns++;
  if (member.turns >= TURNS_PER_CONVERSATION) {
    const old = member.id;
    const answer = await request('DELETE', `/server/conversations/${old}`);
    if (answer.status !== 204)
      stats.requestErrors.push(`DELETE ${answer.status}`);
    witnesses.get(old)?.close();
    witnesses.delete(old);
    member.generation++;
    member.turns = 0;
    const id = member.id;
    const witness = openSubscriber(() => id, { witness: true });
    witnesses.set(member.id, witness);
    await witness.ready;
  }
  member.busy = false;
}

function checkLost() {
  const now = Date.now();
  for (const [messageId, entry] of pending) {
    if (now - entry.at > REPLY_DEADLINE_MS) {
      pending.delete(messageId);
      totals.lostReplies++;
      stats.lost++;
      console.error(`lost reply ${messageId} in ${entry.conversationId}`);
      if (entry.member) entry.member.busy = false;
    }
  }
}

/**
 * One SSE subscriber on its own connection. Churned ones reconnect with
 * Last-Event-ID after a random lifetime; witnesses stay and settle replies.
 */
function openSubscriber(target, { witness }) {
  let lastEventId;
  let conversationId;
  let req;
  let closed = false;
  let resolveReady;
  const subscriber = {
    ready: new Promise((r) => (resolveReady = r)),
    close() {
      closed = true;
      req?.destroy();
      subscribers.delete(subscriber);
    },
  };
  const connect = () => {
    if (closed || stopping) return;
    if (conversationId !== target()) lastEventId = undefined;
    conversationId = target();
    const query =
      conversationId === 'default' ? '' : `?conversationId=${conversationId}`;
    const headers = { Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    let leaving = false;
    let lifetime;
    req = http.get(
      `${base}/server/events${query}`,
      { headers, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          stats.streamErrors.push(`status ${res.statusCode}`);
          totals.errorLog.push(`stream ${conversationId}: ${res.statusCode}`);
          totals.streamFailures++;
          res.resume();
          setTimeout(connect, 1000);
          return;
        }
        const parser = createParser({
          onEvent: (event) => {
            stats.events++;
            if (event.id) lastEventId = event.id;
            if (event.event === 'ready') resolveReady();
            if (
              witness &&
              (event.event === 'done' || event.event === 'error')
            ) {
              settle(JSON.parse(event.data).messageId, event.event);
            }
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk) => parser.feed(chunk));
        res.on('close', () => {
          clearTimeout(lifetime);
          if (!leaving && !closed && !stopping) {
            stats.streamErrors.push('closed by server');
            totals.errorLog.push(
              `stream ${conversationId} closed by the server`,
            );
            totals.streamFailures++;
          }
          if (!closed) setTimeout(connect, leaving ? 0 : 500);
        });
        if (!witness) {
          lifetime = setTimeout(
            () => {
              leaving = true;
              stats.reconnects++;
              req.destroy();
            },
            5_000 + Math.random() * 55_000,
          );
        }
      },
    );
    req.on('error', (error) => {
      if (leaving || closed || stopping) return;
      stats.streamErrors.push(error.code ?? error.message);
      totals.errorLog.push(
        `stream ${conversationId}: ${error.code ?? error.message}`,
      );
      totals.streamFailures++;
      setTimeout(connect, 1000);
    });
  };
  connect();
  return subscriber;
}

// ── measurements ────────────────────────────────────────────────────────
async function probe() {
  if (stopping) return;
  const started = process.hrtime.bigint();
  const answer = await request('GET', '/server/conversations/soak-probe');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (answer.status === 404) stats.latencies.probe.push(ms);
  else stats.requestErrors.push(`probe ${answer.status}`);
}

function sampleRss() {
  try {
    const status = readFileSync(`/proc/${app.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    rssSamples.push({ at: Date.now(), mb: kb / 1024 });
  } catch {
    // The process is gone: its exit handler reports it.
  }
}

/** Event-loop lag (ms, since the previous scrape) and heap from the app's /metrics, when it has them. */
async function fromMetrics() {
  if (!hasMetrics) return undefined;
  const answer = await get('/metrics');
  const read = (name) => {
    const match = new RegExp(
      `^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`,
      'm',
    ).exec(answer.body);
    return match ? Number(match[1]) * 1000 : undefined;
  };
  return {
    p50: read('nodejs_eventloop_lag_p50_seconds'),
    p99: read('nodejs_eventloop_lag_p99_seconds'),
    max: read('nodejs_eventloop_lag_max_seconds'),
    heapMb: read('nodejs_heap_size_used_bytes') / 1000 / 1024 / 1024,
    openStreams: read('chatgw_open_streams') / 1000,
  };
}

async function reportMinute() {
  const minute = ++minutesReported;
  const now = Date.now();
  const recent = rssSamples.filter((s) => s.at > now - 60_000).map((s) => s.mb);
  const lag = await fromMetrics();
  const row = {
    minute,
    rssMb: round(median(recent)),
    rssMaxMb: round(Math.max(...recent)),
    probeP50Ms: round(percentile(stats.latencies.probe, 0.5)),
    probeP99Ms: round(percentile(stats.latencies.probe, 0.99)),
    probeMaxMs: round(Math.max(0, ...stats.latencies.probe)),
    replyP50Ms: round(percentile(stats.latencies.reply, 0.5)),
    replyP99Ms: round(percentile(stats.latencies.reply, 0.99)),
    posts: stats.posts,
    replies: stats.replies,
    replyErrors: stats.replyErrors,
    lost: stats.lost,
    postErrors: summarise(stats.postErrors),
    streamErrors: summarise(stats.streamErrors),
    requestErrors: summarise(stats.requestErrors),
    reconnects: stats.reconnects,
    eventsPerSecond: Math.round(stats.events / 60),
    ...(lag
      ? {
          lagP50Ms: round(lag.p50),
          lagP99Ms: round(lag.p99),
          lagMaxMs: round(lag.max),
          heapMb: round(lag.heapMb),
          openStreams: lag.openStreams,
        }
      : {}),
  };
  minutes.push(row);
  console.log(
    `min ${String(minute).padStart(3)} | RSS ${row.rssMb} MB (max ${row.rssMaxMb}) | ` +
      `probe p50 ${row.probeP50Ms} p99 ${row.probeP99Ms} max ${row.probeMaxMs} ms | ` +
      `reply p50 ${row.replyP50Ms} p99 ${row.replyP99Ms} ms | ` +
      `${row.posts} posts, ${row.replies} done, ${row.replyErrors} error, ${row.lost} lost | ` +
      `${row.reconnects} reconnects, ${row.eventsPerSecond} ev/s | ` +
      `errors: post ${row.postErrors} stream ${row.streamErrors} req ${row.requestErrors}` +
      (lag
        ? ` | loop lag p50 ${row.lagP50Ms} p99 ${row.lagP99Ms} max ${row.lagMaxMs} ms, heap ${row.heapMb} MB, ${row.openStreams} streams`
        : ''),
  );
  Object.assign(stats, newMinuteStats());
}

// ── end ─────────────────────────────────────────────────────────────────
async function finish() {
  if (stopping) return;
  // The last minute, which its timer may not have reported yet.
  if (
    !appExit &&
    minutesReported < Math.floor((Date.now() - startedAt) / 60_000)
  )
    await reportMinute();
  stopping = true;
  for (const timer of [postTimer, probeTimer, rssTimer, lostTimer, minuteTimer])
    clearInterval(timer);
  clearTimeout(endTimer);
  // RSS saws up and down with garbage collection by some 10 % within a
  // minute: compare the lower quartiles of two long windows (the first and
  // the last third of the time after the warm-up), which track the memory
  // that stays, not where the saw happened to be.
  const warmupEnd = startedAt + WARMUP_MINUTES * 60_000;
  const lastAt = rssSamples.at(-1)?.at ?? Date.now();
  const window = Math.max(60_000, (lastAt - warmupEnd) / 3);
  const lowerQuartile = (from, to) =>
    percentile(
      rssSamples.filter((s) => s.at >= from && s.at <= to).map((s) => s.mb),
      0.25,
    );
  const baseline = lowerQuartile(warmupEnd, warmupEnd + window);
  const final = lowerQuartile(lastAt - window, lastAt);
  const growth = final / baseline - 1;
  for (const subscriber of [...subscribers, ...witnesses.values()])
    subscriber.close();
  let exitCode = appExit?.code;
  if (!appExit) {
    app.kill('SIGTERM');
    exitCode = await new Promise((done) =>
      app.once('exit', (code) => done(code)),
    );
  }
  agent.destroy();
  const summary = {
    minutes: MINUTES,
    warmupMinutes: WARMUP_MINUTES,
    streams: STREAMS,
    postsPerSecond: POSTS_PER_SECOND,
    rssBaselineMb: round(baseline),
    rssFinalMb: round(final),
    rssGrowthPercent: round(growth * 100),
    ...totals,
    appExitCode: exitCode,
    perMinute: minutes,
    rssSamples: rssSamples.map((s) => [s.at - startedAt, round(s.mb)]),
  };
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2));
  const problems = [];
  if (!(growth <= RSS_GROWTH_LIMIT))
    problems.push(
      `RSS grew ${round(growth * 100)} % after warm-up (limit 5 %)`,
    );
  if (totals.lostReplies > 0)
    problems.push(`${totals.lostReplies} replies lost`);
  if (totals.replyErrors > 0)
    problems.push(`${totals.replyErrors} replies failed`);
  if (totals.streamFailures > 0)
    problems.push(`${totals.streamFailures} stream failures`);
  if (totals.requestFailures > 0)
    problems.push(`${totals.requestFailures} requests failed`);
  if (totals.postsRejected > 0)
    problems.push(`${totals.postsRejected} POSTs rejected`);
  if (exitCode !== 0) problems.push(`the app exited with ${exitCode}`);
  console.log(
    `soak: RSS ${summary.rssBaselineMb} MB after warm-up -> ${summary.rssFinalMb} MB at the end ` +
      `(${summary.rssGrowthPercent} %); ${totals.postsAccepted} POSTs accepted, ${totals.replies} replies done, ` +
      `${totals.replyErrors} failed, ${totals.lostReplies} lost; ${totals.streamFailures} stream failures; app exit ${exitCode}`,
  );
  for (const line of totals.errorLog.slice(0, 20)) console.error(`  ${line}`);
  if (problems.length > 0) {
    console.error(`soak FAILED: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log('soak passed');
  process.exit(0);
}

// ── helpers ─────────────────────────────────────────────────────────────
function request(method, path, body, retried = false) {
  return new Promise((done) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: payload
          ? {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(payload),
            }
          : // A bodiless DELETE needs it (the server's cross-site guard).
            { 'X-Requested-With': 'soak' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode, body: text }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => {
      // The documented keep-alive race: the server closed an idle socket just
      // as it was reused. Nothing reached the app; try once on a fresh socket.
      if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) {
        done(request(method, path, body, true));
        return;
      }
      if (!stopping) {
        totals.requestFailures++;
        stats.requestErrors.push(`${method} ${error.code ?? error.message}`);
        totals.errorLog.push(
          `${method} ${path}: ${error.code ?? error.message}`,
        );
      }
      done({ status: 0, body: '' });
    });
    req.end(payload);
  });
}

function get(path) {
  return request('GET', path);
}

async function waitUntilUp() {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (appExit) fail('the app exited before it listened');
    const answer = await new Promise((done) => {
      const req = http.get(`${base}/server/conversations/soak-probe`, (res) => {
        res.resume();
        done(res.statusCode);
      });
      req.on('error', () => done(0));
    });
    if (answer === 404) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  app.kill('SIGKILL');
  fail('the app did not answer within 30 s');
}

function freePort() {
  return new Promise((done, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => done(free));
    });
    server.on('error', reject);
  });
}

function newMinuteStats() {
  return {
    posts: 0,
    replies: 0,
    replyErrors: 0,
    lost: 0,
    events: 0,
    reconnects: 0,
    postErrors: [],
    streamErrors: [],
    requestErrors: [],
    latencies: { probe: [], reply: [] },
  };
}

function summarise(list) {
  if (list.length === 0) return '0';
  const counts = {};
  for (const item of list) counts[item] = (counts[item] ?? 0) + 1;
  return Object.entries(counts)
    .map(([k, n]) => `${k}×${n}`)
    .join(',');
}

function median(values) {
  return percentile(values, 0.5);
}

function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function round(value) {
  return Math.round(value * 10) / 10;
}

function fail(message) {
  console.error(`soak: ${message}`);
  process.exit(2);
}
