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
 * measured. Burst (seed route only): then one stream per slot, all started
 * at once, which measures queueing more than overhead. Also the p99 of each
 * stream's longest gap between two chunks, and the server's CPU time per
 * chunk it delivered and per stream.
 * @param {(() => Promise<import('./targets.mjs').Server>) | number} target  a server to start, or the upstream's port (direct)
 * @param {'through' | 'v1' | 'v1-whole'} [mode]  the route driven on a server
 */
export async function ttft(client, target, settings, tag, mode = 'through') {
  if (typeof target === 'number') {
    try {
      return await streamsOn(
        client,
        target,
        'direct',
        undefined,
        settings,
        tag,
      );
    } finally {
      await client.request({ cmd: 'closeAll' }).catch(() => undefined);
    }
  }
  return withServer(client, target, async (server) => {
    // One unmeasured run of the same load first: a fresh server compiles
    // its code in the first few hundred streams, on V8's worker threads,
    // whose CPU the process's counts include (the app, 200 streams in: about
    // 0.6 ms per stream; 3 000 in: 0.2 ms, as much as the pipe proxy's).
    // Without it the figures were of a process a few seconds old.
    if (settings.warmup)
      await streamsOn(client, server.port, mode, server, settings, `${tag}w`, {
        warmup: true,
      });
    return streamsOn(client, server.port, mode, server, settings, tag);
  });
}

/**
 * One steady run (and, on the seed route, a burst) against a running server
 * or the upstream; a `warmup` run only loads the server (no burst).
 */
async function streamsOn(
  client,
  port,
  mode,
  server,
  { streams, rampMs, measureFromMs, untilMs, timeoutMs },
  tag,
  { warmup = false } = {},
) {
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
  // The burst only where the report compares it: the seed route and the
  // upstream directly (its reference).
  const burst =
    !warmup && (mode === 'through' || mode === 'direct')
      ? await client.request(
          {
            ...steady,
            rampMs: 0,
            measureFromMs: 0,
            untilMs: 0,
            tag: `${tag}b`,
          },
          timeoutMs + 5_000,
        )
      : undefined;
  if (burst) await client.request({ cmd: 'closeAll' });
  const serverCpuMs = server ? cpuMs(before.cpu, after.cpu) : undefined;
  return {
    p50Ms: percentile(measured.latenciesMs, 50),
    p99Ms: percentile(measured.latenciesMs, 99),
    gapP99Ms: percentile(measured.maxGapsMs, 99),
    samples: measured.latenciesMs.length,
    refused: measured.refused,
    chunks: measured.chunks,
    peakConcurrent: measured.peakConcurrent,
    burstP50Ms: burst ? percentile(burst.latenciesMs, 50) : undefined,
    burstP99Ms: burst ? percentile(burst.latenciesMs, 99) : undefined,
    serverCpuMs,
    // Everything the server did in the run (requests included) over the
    // chunks it delivered: an upper bound of the cost of one chunk.
    serverCpuUsPerChunk:
      serverCpuMs !== undefined && measured.chunks > 0
        ? (serverCpuMs * 1000) / measured.chunks
        : undefined,
    serverCpuMsPerStream:
      serverCpuMs !== undefined && measured.streams > 0
        ? serverCpuMs / measured.streams
        : undefined,
    clientCpuMs: measured.clientCpuMs,
  };
}

/**
 * Capacity: raises the number of concurrent streams (`levels`) until the p99
 * first-token overhead over the upstream called directly at the same level
 * passes `limitMs`; a fresh server per level. The capacity is the last level
 * within the limit. Streams refused with 503 (shed load) are reported: they
 * keep the accepted ones' latency bounded but do not count as served.
 * @param {Record<string, { start: () => Promise<import('./targets.mjs').Server>, mode: 'through' | 'v1' }>} servers
 */
export async function capacity(
  client,
  upstreamPort,
  servers,
  { levels, limitMs, rampMs, measureFromMs, untilMs, timeoutMs },
  log,
) {
  const settings = (streams) => ({
    streams,
    rampMs,
    measureFromMs,
    untilMs,
    timeoutMs,
  });
  /** @type {Map<number, any>} */
  const direct = new Map();
  const directAt = async (level) => {
    if (!direct.has(level))
      direct.set(
        level,
        await ttft(client, upstreamPort, settings(level), `cd${level}`),
      );
    return direct.get(level);
  };
  /** @type {Record<string, { capacity: number, levels: object[], pastCapacity?: object }>} */
  const result = {};
  for (const [name, { start, mode }] of Object.entries(servers)) {
    result[name] = { capacity: 0, levels: [] };
    await withServer(client, start, async (server) => {
      // Warm up (compiled code, pools) at the first level, not measured.
      await streamsOn(
        client,
        server.port,
        mode,
        server,
        settings(levels[0]),
        `cw${name}`,
      );
      for (const level of levels) {
        const reference = await directAt(level);
        const figures = await streamsOn(
          client,
          server.port,
          mode,
          server,
          settings(level),
          `c${name}${level}`,
        );
        const overheadP99Ms = figures.p99Ms - reference.p99Ms;
        result[name].levels.push({
          streams: level,
          overheadP50Ms: figures.p50Ms - reference.p50Ms,
          overheadP99Ms,
          gapP99Ms: figures.gapP99Ms,
          directGapP99Ms: reference.gapP99Ms,
          refused: figures.refused,
          samples: figures.samples,
          serverCpuUsPerChunk: figures.serverCpuUsPerChunk,
        });
        log?.(
          `capacity ${name.padEnd(9)} ${String(level).padStart(4)} streams: p50/p99 overhead ${(figures.p50Ms - reference.p50Ms).toFixed(1)}/${overheadP99Ms.toFixed(1)} ms, refused ${figures.refused}`,
        );
        const within =
          overheadP99Ms <= limitMs &&
          figures.refused === 0 &&
          figures.samples > 0;
        if (!within) break;
        result[name].capacity = level;
      }
      // Far past capacity: with load shedding on, the streams accepted
      // should keep a bounded latency while the others are refused.
      const past = Math.max(levels[0], result[name].capacity) * 3;
      const reference = await directAt(past);
      const figures = await streamsOn(
        client,
        server.port,
        mode,
        server,
        settings(past),
        `cp${name}`,
      );
      const pastCapacity = {
        streams: past,
        overheadP50Ms: figures.p50Ms - reference.p50Ms,
        overheadP99Ms: figures.p99Ms - reference.p99Ms,
        refused: figures.refused,
        samples: figures.samples,
      };
      result[name].pastCapacity = pastCapacity;
      log?.(
        `capacity ${name.padEnd(9)} past capacity, ${past} streams: p50/p99 overhead of the accepted ${pastCapacity.overheadP50Ms.toFixed(1)}/${pastCapacity.overheadP99Ms.toFixed(1)} ms, refused ${figures.refused}`,
      );
    });
  }
  return result;
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
    // Refused POSTs are the app shedding load past capacity (503
    // overloaded): counted, not accepted. Failed ones are a fault.
    if (run.errors > 0)
      throw new Error(`POST throughput: ${run.errors} failed requests`);
    return {
      acceptedPerSecond: run.accepted / run.seconds,
      refusedPerSecond: run.rejected / run.seconds,
      // With the reply each POST starts (the mock's, at once).
      serverCpuUsPerPost: (cpuMs(before.cpu, after.cpu) * 1000) / run.accepted,
      latencyP50Ms: run.latencyP50Ms,
      latencyP99Ms: run.latencyP99Ms,
      serverCpuMs: cpuMs(before.cpu, after.cpu),
      clientCpuMs: run.clientCpuMs,
    };
  });
}
