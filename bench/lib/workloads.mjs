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
    if (output) error.message += `\n--- ${server.name} output ---\n${output.slice(-4000)}`;
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
    await client.request({ cmd: 'idle', port: server.port, connections: 100, concurrency: 50, timeoutMs }, timeoutMs + 5_000);
    await client.request({ cmd: 'closeAll' });
    await sleep(settleMs);
    const before = await server.sample();
    const opened = await client.request(
      { cmd: 'idle', port: server.port, connections, concurrency: 200, timeoutMs },
      timeoutMs + 5_000,
    );
    await sleep(settleMs);
    const after = await server.sample();
    return {
      connections: opened.opened,
      openMs: opened.ms,
      rssPerConnectionKb: (after.memory.rss - before.memory.rss) / connections / 1024,
      heapPerConnectionKb: (after.memory.heapUsed - before.memory.heapUsed) / connections / 1024,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: opened.clientCpuMs,
      gcExposed: after.gcExposed,
    };
  });
}

/** Fan-out: S subscribers of one conversation, K replies, delta events delivered per second. */
export function fanout(client, start, { subscribers, replies, warmupReplies, posters, timeoutMs }) {
  return withServer(client, start, async (server) => {
    await client.request(
      { cmd: 'fanoutPrepare', port: server.port, subscribers, posters, warmupReplies, timeoutMs },
      timeoutMs + 5_000,
    );
    const before = await server.sample(false);
    const run = await client.request({ cmd: 'fanoutRun', replies, timeoutMs }, timeoutMs + 5_000);
    const after = await server.sample(false);
    if (run.uneven) throw new Error('fan-out: subscribers received different numbers of deltas');
    return {
      eventsPerSecond: run.deltas / (run.ms / 1000),
      deltas: run.deltas,
      deltasPerReply: run.deltasPerReply,
      ms: run.ms,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: run.clientCpuMs,
    };
  });
}

/**
 * Time to first token: C streams at once, through a server (`through`) or
 * straight to the upstream (`direct`, no server started). One unmeasured
 * batch first warms connections and code.
 * @param {(() => Promise<import('./targets.mjs').Server>) | number} target  a server to start, or the upstream's port
 */
export async function ttft(client, target, { streams, tag, timeoutMs }) {
  const batch = async (port, mode, server) => {
    const before = server ? await server.sample(false) : undefined;
    const warm = `${tag}-w`;
    await client.request({ cmd: 'ttft', mode, port, streams, tag: warm, timeoutMs }, timeoutMs + 5_000);
    await client.request({ cmd: 'closeAll' });
    const measured = await client.request({ cmd: 'ttft', mode, port, streams, tag: `${tag}-m`, timeoutMs }, timeoutMs + 5_000);
    const after = server ? await server.sample(false) : undefined;
    const latencies = measured.latenciesMs;
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      serverCpuMs: server ? cpuMs(before.cpu, after.cpu) : undefined,
      clientCpuMs: measured.clientCpuMs,
    };
  };
  if (typeof target === 'number') {
    try {
      return await batch(target, 'direct');
    } finally {
      await client.request({ cmd: 'closeAll' }).catch(() => undefined);
    }
  }
  return withServer(client, target, (server) => batch(server.port, 'through', server));
}

/** POST throughput: accepted `POST /server/send` per second (autocannon). */
export function post(client, start, { connections, warmupS, durationS }) {
  return withServer(client, start, async (server) => {
    const timeoutMs = (warmupS + durationS) * 1000 + 30_000;
    await client.request({ cmd: 'post', port: server.port, connections, durationS: warmupS }, timeoutMs);
    const before = await server.sample(false);
    const run = await client.request({ cmd: 'post', port: server.port, connections, durationS }, timeoutMs);
    const after = await server.sample(false);
    if (run.rejected > 0 || run.errors > 0)
      throw new Error(`POST throughput: ${run.rejected} refused and ${run.errors} failed requests`);
    return {
      acceptedPerSecond: run.accepted / run.seconds,
      latencyP50Ms: run.latencyP50Ms,
      latencyP99Ms: run.latencyP99Ms,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: run.clientCpuMs,
    };
  });
}
