// The load client: its own process, driven by the bench over IPC, one
// workload at a time. It answers each command with its figures and the CPU
// time it used, so a reader can tell it was not the bottleneck.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { connect, postInSequence, postJsonRequest } from './raw-http.mjs';
import { held, hold, openMany, untilEvery, within } from './subscriptions.mjs';
import { measureTtft } from './ttft.mjs';

/** @type {{ subs: Awaited<ReturnType<typeof subscribe>>[], sockets: import('node:net').Socket[], replies: number }} */
let fanout;

/** Posts `count` replies spread over the fan-out's connections; resolves once every subscriber has them all. */
async function postReplies(count) {
  const { subs, sockets } = fanout;
  const requests = Array.from({ length: count }, (_, i) =>
    postJsonRequest('/server/send', messageBody(`fan-out ${i}`)),
  );
  const shares = sockets.map((_, p) =>
    requests.filter((__, i) => i % sockets.length === p),
  );
  const statuses = (
    await Promise.all(sockets.map((s, p) => postInSequence(s, shares[p])))
  ).flat();
  const refused = statuses.filter((s) => s !== 202);
  if (refused.length > 0)
    throw new Error(
      `POST /server/send answered ${refused[0]} (${refused.length} times)`,
    );
  fanout.replies += count;
  const total = fanout.replies;
  await untilEvery(subs, (s) => s.dones.count >= total);
}

const cpuMs = (/** @type {NodeJS.CpuUsage} */ usage) =>
  (usage.user + usage.system) / 1000;

const messageBody = (content, conversationId) =>
  JSON.stringify({
    ...(conversationId ? { conversationId } : {}),
    messages: [{ role: 'user', content }],
  });

const commands = {
  /** Opens N idle subscriptions and keeps them until `closeAll`. */
  async idle({ port, connections, concurrency, timeoutMs }) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const subs = await within(
      openMany(port, '/server/events', connections, concurrency),
      timeoutMs,
      'idle open',
    );
    return {
      opened: subs.length,
      ms: performance.now() - start,
      clientCpuMs: cpuMs(process.cpuUsage(cpu)),
    };
  },

  /** S subscribers of one conversation and P connections to POST on, then W replies to warm up. */
  async fanoutPrepare({
    port,
    subscribers,
    posters,
    warmupReplies,
    timeoutMs,
  }) {
    const subs = await within(
      openMany(port, '/server/events', subscribers, 100),
      timeoutMs,
      'fan-out subscribe',
    );
    const sockets = await Promise.all(
      Array.from({ length: posters }, () => connect(port)),
    );
    sockets.forEach(hold);
    fanout = { subs, sockets, replies: 0 };
    await within(postReplies(warmupReplies), timeoutMs, 'fan-out warm-up');
    return {};
  },

  /** K replies; measured until every subscriber has every reply's `done`. */
  async fanoutRun({ replies, timeoutMs }) {
    const { subs } = fanout;
    const deltasBefore = subs.map((s) => s.deltas.count);
    const readsBefore = subs.map((s) => s.reads);
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
      reads: subs.reduce((sum, s, i) => sum + s.reads - readsBefore[i], 0),
      clientCpuMs: cpuMs(process.cpuUsage(cpu)),
    };
  },

  /** Time to first token of streams run side by side (see ttft.mjs). */
  async ttft(options) {
    const cpu = process.cpuUsage();
    const { latencies, gaps, chunks, streams, measuredChunks, refused, peak } =
      await measureTtft(options);
    return {
      latenciesMs: latencies,
      maxGapsMs: gaps,
      chunks,
      streams,
      measuredChunks,
      refused,
      peakConcurrent: peak,
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
    const closing = [...held].map(
      (socket) =>
        new Promise((resolve) => socket.once('close', resolve).destroy()),
    );
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
    process.send({
      id,
      error: `${cmd}: ${error instanceof Error ? error.stack : String(error)}`,
    });
  }
});
