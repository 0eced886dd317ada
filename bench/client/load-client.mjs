// The load client: its own process, driven by the bench over IPC, one
// workload at a time. It answers each command with its figures and the CPU
// time it used, so a reader can tell it was not the bottleneck.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import {
  connect,
  getEventsRequest,
  PatternCounter,
  postInSequence,
  postJsonRequest,
  readResponse,
} from './raw-http.mjs';

/** Every open connection, so that `closeAll` can drop them. */
const held = new Set();

/** @param {import('node:net').Socket} socket */
function hold(socket) {
  held.add(socket);
  socket.once('close', () => held.delete(socket));
  return socket;
}

/**
 * One SSE subscription, counting its `ready`, `delta` and `done` events.
 * @param {number} port @param {string} path
 */
async function subscribe(port, path) {
  const socket = hold(await connect(port));
  const sub = {
    socket,
    status: 0,
    ready: new PatternCounter('\nevent: ready\n'),
    deltas: new PatternCounter('\nevent: delta\n'),
    dones: new PatternCounter('\nevent: done\n'),
    firstDeltaAt: 0,
    /** @type {(() => void) | undefined} */
    onProgress: undefined,
  };
  readResponse(
    socket,
    (status) => (sub.status = status),
    (chunk) => {
      if (sub.ready.count === 0) sub.ready.feed(chunk);
      sub.deltas.feed(chunk);
      sub.dones.feed(chunk);
      if (sub.firstDeltaAt === 0 && sub.deltas.count > 0) sub.firstDeltaAt = performance.now();
      sub.onProgress?.();
    },
  );
  socket.write(getEventsRequest(path));
  return sub;
}

/** @template T @param {Promise<T>} promise @param {number} ms @param {string} what @returns {Promise<T>} */
function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms} ms`)), ms);
    }),
  ]);
}

/** Resolves when `test(sub)` holds, checked whenever the subscription gets bytes. */
function until(sub, test) {
  return new Promise((resolve) => {
    const check = () => {
      if (!test(sub)) return;
      sub.onProgress = undefined;
      resolve(undefined);
    };
    sub.onProgress = check;
    check();
  });
}

/** Resolves when `test` holds for every subscription; each one checks only itself. */
const untilEvery = (subs, test) => Promise.all(subs.map((sub) => until(sub, test)));

/** Opens `count` subscriptions, at most `concurrency` still waiting for `ready` at a time. */
async function openMany(port, path, count, concurrency) {
  const subs = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const sub = await subscribe(port, typeof path === 'function' ? path(index) : path);
      await until(sub, (s) => s.ready.count > 0 || s.status >= 300);
      if (sub.status !== 200) throw new Error(`GET ${path} answered ${sub.status}`);
      subs[index] = sub;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return subs;
}

/** @type {{ subs: Awaited<ReturnType<typeof subscribe>>[], sockets: import('node:net').Socket[], replies: number }} */
let fanout;

/** Posts `count` replies spread over the fan-out's connections; resolves once every subscriber has them all. */
async function postReplies(count) {
  const { subs, sockets } = fanout;
  const requests = Array.from({ length: count }, (_, i) => postJsonRequest('/server/send', messageBody(`fan-out ${i}`)));
  const shares = sockets.map((_, p) => requests.filter((__, i) => i % sockets.length === p));
  const statuses = (await Promise.all(sockets.map((s, p) => postInSequence(s, shares[p])))).flat();
  const refused = statuses.filter((s) => s !== 202);
  if (refused.length > 0) throw new Error(`POST /server/send answered ${refused[0]} (${refused.length} times)`);
  fanout.replies += count;
  const total = fanout.replies;
  await untilEvery(subs, (s) => s.dones.count >= total);
}

const cpuMs = (/** @type {NodeJS.CpuUsage} */ usage) => (usage.user + usage.system) / 1000;

const messageBody = (content, conversationId) =>
  JSON.stringify({ ...(conversationId ? { conversationId } : {}), messages: [{ role: 'user', content }] });

const commands = {
  /** Opens N idle subscriptions and keeps them until `closeAll`. */
  async idle({ port, connections, concurrency, timeoutMs }) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const subs = await within(openMany(port, '/server/events', connections, concurrency), timeoutMs, 'idle open');
    return { opened: subs.length, ms: performance.now() - start, clientCpuMs: cpuMs(process.cpuUsage(cpu)) };
  },

  /** S subscribers of one conversation and P connections to POST on, then W replies to warm up. */
  async fanoutPrepare({ port, subscribers, posters, warmupReplies, timeoutMs }) {
    const subs = await within(openMany(port, '/server/events', subscribers, 100), timeoutMs, 'fan-out subscribe');
    const sockets = await Promise.all(Array.from({ length: posters }, () => connect(port)));
    sockets.forEach(hold);
    fanout = { subs, sockets, replies: 0 };
    await within(postReplies(warmupReplies), timeoutMs, 'fan-out warm-up');
    return {};
  },

  /** K replies; measured until every subscriber has every reply's `done`. */
  async fanoutRun({ replies, timeoutMs }) {
    const { subs } = fanout;
    const deltasBefore = subs.map((s) => s.deltas.count);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await within(postReplies(replies), timeoutMs, 'fan-out');
    const ms = performance.now() - start;
    const received = subs.map((s, i) => s.deltas.count - deltasBefore[i]);
    return {
      ms,
      deltas: received.reduce((a, b) => a + b, 0),
      deltasPerReply: received[0] / replies,
      uneven: received.some((r) => r !== received[0]),
      clientCpuMs: cpuMs(process.cpuUsage(cpu)),
    };
  },

  /**
   * C streams at once. `through`: each subscribes to its own conversation,
   * then POSTs; its time is from writing the POST to the first `delta`.
   * `direct`: each POSTs to the upstream itself; time to its first chunk.
   */
  async ttft({ mode, port, streams, tag, timeoutMs }) {
    const cpu = process.cpuUsage();
    const subs =
      mode === 'through'
        ? await within(openMany(port, (i) => `/server/events?conversationId=${tag}-${i}`, streams, 100), timeoutMs, 'ttft subscribe')
        : [];
    const sockets = await Promise.all(Array.from({ length: streams }, () => connect(port)));
    sockets.forEach(hold);
    const startedAt = new Array(streams).fill(0);
    const firstAt = new Array(streams).fill(0);
    const direct = JSON.stringify({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'time to first token' }] });
    const finished = sockets.map((socket, i) => {
      startedAt[i] = performance.now();
      if (mode === 'through') {
        const sub = subs[i];
        const accepted = postInSequence(socket, [postJsonRequest('/server/send', messageBody('time to first token', `${tag}-${i}`))]).then(([status]) => {
          if (status !== 202) throw new Error(`POST /server/send answered ${status}`);
        });
        const ended = until(sub, (s) => s.dones.count > 0).then(() => (firstAt[i] = sub.firstDeltaAt));
        return Promise.all([accepted, ended]);
      }
      return new Promise((resolve, reject) => {
        const chunks = new PatternCounter('data: {');
        const end = new PatternCounter('data: [DONE]');
        readResponse(
          socket,
          (status) => status !== 200 && reject(new Error(`upstream answered ${status}`)),
          (chunk) => {
            chunks.feed(chunk);
            if (firstAt[i] === 0 && chunks.count > 0) firstAt[i] = performance.now();
            end.feed(chunk);
            if (end.count > 0) resolve(undefined);
          },
        );
        socket.write(postJsonRequest('/v1/chat/completions', direct));
      });
    });
    await within(Promise.all(finished), timeoutMs, `ttft ${mode}`);
    return {
      latenciesMs: firstAt.map((at, i) => at - startedAt[i]),
      clientCpuMs: cpuMs(process.cpuUsage(cpu)),
    };
  },

  /** Accepted POSTs per second, measured by autocannon. */
  async post({ port, connections, durationS }) {
    const options = {
      url: `http://127.0.0.1:${port}/server/send`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: messageBody('throughput'),
      connections,
    };
    const cpu = process.cpuUsage();
    const result = await autocannon({ ...options, duration: durationS });
    return {
      accepted: result['2xx'],
      rejected: result.non2xx,
      errors: result.errors + result.timeouts,
      seconds: result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      clientCpuMs: cpuMs(process.cpuUsage(cpu)),
    };
  },

  /** Closes every connection this client holds. */
  async closeAll() {
    fanout = undefined;
    const closing = [...held].map((socket) => new Promise((resolve) => socket.once('close', resolve).destroy()));
    held.clear();
    await Promise.all(closing);
    return { closed: closing.length };
  },
};

process.on('message', async (message) => {
  const { id, cmd } = message;
  try {
    const result = await commands[cmd](message);
    process.send({ id, ...result });
  } catch (error) {
    process.send({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
