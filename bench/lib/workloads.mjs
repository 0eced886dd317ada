// The four workloads. Each one starts a fresh server, drives the load client,
// samples the server's memory and CPU through its probe, and always stops the
// server and drops the client's connections, even when it fails.
import { percentile, sleep } from './stats.mjs';

const cpuMs = (before, after) =>
  (after.user - before.user + after.system - before.system) / 1000;

/**
 * @template T
 * @param {import('./processes.mjs').Managed} client
 * @param {() => Promise<import('./targets.mjs').Server>} start
 * @param {(server: import('./targets.mjs').Server) => Promise<T>} body
 * @returns {Promise<T>}
 */
async function withServer(client, start, body) {
  const server = await start();
  try {
    return await body(server);
  } catch (error) {
    const output = server.output().trim();
    if (output)
      error.message += `\n--- ${server.name} output ---\n${output.slice(-4000)}`;
    throw error;
  } finally {
    await client.request({ cmd: 'closeAll' }).catch(() => undefined);
    await server.stop();
  }
}

/**
 * Idle connections: server memory per open SSE connection (after a full GC,
 * settled) and the time to open them all.
 */
export function idle(client, start, { connections, settleMs, timeoutMs }) {
  return withServer(client, start, async (server) => {
    // Warm up the route so that first-use costs (compiled code, lazily built
    // state) are not charged to the connections.
    await client.request(
      {
        cmd: 'idle',
        port: server.port,
        connections: 100,
        concurrency: 50,
        timeoutMs,
      },
      timeoutMs + 5_000,
    );
    await client.request({ cmd: 'closeAll' });
    await sleep(settleMs);
    const before = await server.sample();
    const opened = await client.request(
      {
        cmd: 'idle',
        port: server.port,
        connections,
        concurrency: 200,
        timeoutMs,
      },
      timeoutMs + 5_000,
    );
    await sleep(settleMs);
    const after = await server.sample();
    return {
      connections: opened.opened,
      openMs: opened.ms,
      rssPerConnectionKb:
        (after.memory.rss - before.memory.rss) / connections / 1024,
      heapPerConnectionKb:
        (after.memory.heapUsed - before.memory.heapUsed) / connections / 1024,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: opened.clientCpuMs,
      gcExposed: after.gcExposed,
    };
  });
}

/** Fan-out: S subscribers of one conversation, K replies, delta events delivered per second. */
export function fanout(
  client,
  start,
  { subscribers, replies, warmupReplies, posters, timeoutMs },
) {
  return withServer(client, start, async (server) => {
    await client.request(
      {
        cmd: 'fanoutPrepare',
        port: server.port,
        subscribers,
        posters,
        warmupReplies,
        timeoutMs,
      },
      timeoutMs + 5_000,
    );
    const before = await server.sample(false);
    const run = await client.request(
      { cmd: 'fanoutRun', replies, timeoutMs },
      timeoutMs + 5_000,
    );
    const after = await server.sample(false);
    if (run.uneven)
      throw new Error(
        'fan-out: subscribers received different numbers of deltas',
      );
    return {
      eventsPerSecond: run.deltas / (run.ms / 1000),
      serverCpuUsPerDelta: (cpuMs(before.cpu, after.cpu) * 1000) / run.deltas,
      readsPerDelta: run.reads / run.deltas,
      deltas: run.deltas,
      deltasPerReply: run.deltasPerReply,
      ms: run.ms,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: run.clientCpuMs,
    };
  });
}

/**
 * Time to first token. Steady: `streams` slots each run one stream after
 * another (the upstream types for two seconds), so that about that many
 * are under way at once; only streams started once all slots run are
 * measured. Burst: then one stream per slot, all started at once, which
 * measures queueing more than overhead.
 * @param {(() => Promise<import('./targets.mjs').Server>) | number} target  a server to start, or the upstream's port (direct)
 */
export async function ttft(
  client,
  target,
  { streams, rampMs, measureFromMs, untilMs, timeoutMs },
  tag,
) {
  const run = async (port, mode, server) => {
    const steady = {
      cmd: 'ttft',
      mode,
      port,
      slots: streams,
      rampMs,
      measureFromMs,
      untilMs,
      tag: `${tag}s`,
      timeoutMs,
    };
    const before = server ? await server.sample(false) : undefined;
    const measured = await client.request(steady, timeoutMs + 5_000);
    const after = server ? await server.sample(false) : undefined;
    await client.request({ cmd: 'closeAll' });
    const burst = await client.request(
      { ...steady, rampMs: 0, measureFromMs: 0, untilMs: 0, tag: `${tag}b` },
      timeoutMs + 5_000,
    );
    return {
      p50Ms: percentile(measured.latenciesMs, 50),
      p99Ms: percentile(measured.latenciesMs, 99),
      samples: measured.latenciesMs.length,
      peakConcurrent: measured.peakConcurrent,
      burstP50Ms: percentile(burst.latenciesMs, 50),
      burstP99Ms: percentile(burst.latenciesMs, 99),
      serverCpuMs: server ? cpuMs(before.cpu, after.cpu) : undefined,
      clientCpuMs: measured.clientCpuMs,
    };
  };
  if (typeof target === 'number') {
    try {
      return await run(target, 'direct');
    } finally {
      await client.request({ cmd: 'closeAll' }).catch(() => undefined);
    }
  }
  return withServer(client, target, (server) =>
    run(server.port, 'through', server),
  );
}

/** POST throughput: accepted `POST /server/send` per second (autocannon). */
export function post(client, start, { connections, warmupS, durationS }) {
  return withServer(client, start, async (server) => {
    const timeoutMs = (warmupS + durationS) * 1000 + 30_000;
    await client.request(
      { cmd: 'post', port: server.port, connections, durationS: warmupS },
      timeoutMs,
    );
    const before = await server.sample(false);
    const run = await client.request(
      { cmd: 'post', port: server.port, connections, durationS },
      timeoutMs,
    );
    const after = await server.sample(false);
    if (run.rejected > 0 || run.errors > 0)
      throw new Error(
        `POST throughput: ${run.rejected} refused and ${run.errors} failed requests`,
      );
    return {
      acceptedPerSecond: run.accepted / run.seconds,
      latencyP50Ms: run.latencyP50Ms,
      latencyP99Ms: run.latencyP99Ms,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: run.clientCpuMs,
    };
  });
}
