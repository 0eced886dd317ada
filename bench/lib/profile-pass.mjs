// The evidence behind the figures: a CPU profile (`--cpu-prof`) of each
// server (baseline, Nest floor, app) during fan-out and during POST
// throughput, of the app on each streaming path (seed route, `/v1` streamed
// and not) and of the Nest floor on the seed route, and heap snapshots before and after opening idle connections. Profiled runs are slower, so their
// figures are not used as results.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { summariseProfile } from './cpu-profile.mjs';
import { diffSnapshots } from './heap-snapshot.mjs';
import { startApp, startBaseline, startFloor } from './targets.mjs';
import { sleep } from './stats.mjs';
import * as workloads from './workloads.mjs';

/**
 * @param {{ client: import('./processes.mjs').Managed, dist: string, workDir: string, settings: any,
 *   openAiEnv?: Record<string, string>, log: (line: string) => void }} context
 *   `openAiEnv`: how the app reaches the fake upstream, when it can; TTFT is then profiled too
 *   (and on the Nest floor, with `referenceEnv`, how it reaches the same upstream)
 */
export async function profilePass({
  client,
  dist,
  workDir,
  settings,
  openAiEnv,
  referenceEnv,
  log,
}) {
  const servers = {
    baseline: (options) => startBaseline(options),
    floor: (options, env) => startFloor(options, env),
    app: (options, env) => startApp(dist, env, options),
  };
  const jobs = [
    ['baseline', 'fanout'],
    ['baseline', 'post'],
    ['floor', 'fanout'],
    ['floor', 'post'],
    ['app', 'fanout'],
    ['app', 'post'],
    ...(openAiEnv
      ? [
          ['app', 'ttft'],
          ['app', 'v1'],
          ['app', 'v1-whole'],
          ...(referenceEnv ? [['floor', 'ttft']] : []),
        ]
      : []),
  ];
  const cpu = {};
  for (const [label, name] of jobs) {
    const dir = `${workDir}/profiles/${name}-${label}`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const start = () =>
      servers[label](
        { profileDir: dir },
        name === 'post' || name === 'fanout'
          ? {}
          : label === 'floor'
            ? referenceEnv
            : openAiEnv,
      );
    // Shorter than the measured runs: a profile needs seconds, not rounds.
    if (name === 'ttft' || name.startsWith('v1'))
      await workloads.ttft(
        client,
        start,
        { ...settings.ttft, untilMs: 4_000 },
        `prof-${name}`,
        name === 'ttft' ? 'through' : name,
      );
    else if (name === 'post')
      await workloads.post(client, start, {
        ...settings.post,
        warmupS: 1,
        durationS: 5,
      });
    else await workloads.fanout(client, start, settings.fanout);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile was written in ${dir}`);
    cpu[label] ??= {};
    cpu[label][name] = {
      file: `${dir}/${file}`,
      ...summariseProfile(`${dir}/${file}`),
    };
    log(
      `profile ${name} ${label}: ${cpu[label][name].top
        .slice(0, 3)
        .map((f) => f.name)
        .join(', ')} …`,
    );
  }
  const heap = {};
  for (const label of ['baseline', 'floor', 'app']) {
    heap[label] = await heapPerConnection(
      client,
      () => servers[label]({}),
      workDir,
      label,
      settings.heapConnections,
    );
    log(
      `heap ${label}: ${(heap[label].bytesPerConnection / 1024).toFixed(1)} KB per connection`,
    );
  }
  return { cpu, heap, heapConnections: settings.heapConnections };
}

async function heapPerConnection(client, start, workDir, label, connections) {
  const dir = `${workDir}/heap`;
  mkdirSync(dir, { recursive: true });
  const server = await start();
  try {
    const timeoutMs = 60_000;
    await client.request(
      {
        cmd: 'idle',
        port: server.port,
        connections: 100,
        concurrency: 50,
        timeoutMs,
      },
      timeoutMs,
    );
    await client.request({ cmd: 'closeAll' });
    await sleep(500);
    const before = await server.heapSnapshot(
      `${dir}/${label}-before.heapsnapshot`,
    );
    await client.request(
      {
        cmd: 'idle',
        port: server.port,
        connections,
        concurrency: 100,
        timeoutMs,
      },
      timeoutMs,
    );
    await sleep(500);
    const after = await server.heapSnapshot(
      `${dir}/${label}-after.heapsnapshot`,
    );
    return diffSnapshots(before, after, connections);
  } finally {
    await client.request({ cmd: 'closeAll' }).catch(() => undefined);
    await server.stop();
  }
}
