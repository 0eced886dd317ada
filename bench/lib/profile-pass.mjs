// The evidence behind the figures: a CPU profile (`--cpu-prof`) of each
// server during fan-out and during POST throughput, and heap snapshots before
// and after opening idle connections. Profiled runs are slower, so their
// figures are not used as results.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { summariseProfile } from './cpu-profile.mjs';
import { diffSnapshots } from './heap-snapshot.mjs';
import { startApp, startBaseline } from './targets.mjs';
import { sleep } from './stats.mjs';
import * as workloads from './workloads.mjs';

/**
 * @param {{ client: import('./processes.mjs').Managed, dist: string, workDir: string, settings: any, log: (line: string) => void }} context
 */
export async function profilePass({ client, dist, workDir, settings, log }) {
  const servers = {
    baseline: (options) => startBaseline(options),
    app: (options) => startApp(dist, {}, options),
  };
  const cpu = {};
  for (const [label, start] of Object.entries(servers)) {
    cpu[label] = {};
    for (const name of ['fanout', 'post']) {
      const dir = `${workDir}/profiles/${name}-${label}`;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await workloads[name](
        client,
        () => start({ profileDir: dir }),
        settings[name],
      );
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no CPU profile was written in ${dir}`);
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
  }
  const heap = {};
  for (const [label, start] of Object.entries(servers)) {
    heap[label] = await heapPerConnection(
      client,
      () => start({}),
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
