// The servers a bench run starts: the app as built, the bare baseline, the
// Nest floor and the fake upstream, each a fresh process with the probe
// preloaded.
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { freePort, startNode, waitForPort } from './processes.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = new URL('../servers/probe.mjs', import.meta.url).href;
const BASELINE = fileURLToPath(
  new URL('../servers/baseline-server.mjs', import.meta.url),
);
const NEST_FLOOR = fileURLToPath(
  new URL('../servers/nest-floor-server.mjs', import.meta.url),
);
const PIPE_PROXY = fileURLToPath(
  new URL('../servers/pipe-proxy.mjs', import.meta.url),
);
const FAKE_UPSTREAM = fileURLToPath(
  new URL('../servers/fake-upstream.mjs', import.meta.url),
);

/** Limits raised so that only the machine limits the app. */
const APP_ENV = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  LLM_PROVIDER: 'mock',
  MOCK_DELAY_MS: '0',
  SSE_MAX_STREAMS: '1000000',
  SSE_MAX_STREAMS_PER_IP: '1000000',
  // The load client is one address; an older build ignores the variable.
  MAX_CONNECTIONS_PER_IP: '1000000',
  SSE_MAX_PENDING_CHARS: String(64 * 1024 * 1024),
  RATE_LIMIT_MAX: '1000000000',
  MAX_STREAMS_PER_KEY: '1000000',
  SHUTDOWN_GRACE_MS: '1000',
  // Shedding would refuse the bursts the fan-out and POST workloads are made
  // of; the capacity workload turns it back on (bench/run.mjs).
  OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
  OVERLOAD_EVENT_LOOP_UTILIZATION: '0',
};

/**
 * @typedef {object} Server
 * @property {string} name
 * @property {number} port
 * @property {(gc?: boolean) => Promise<{memory: NodeJS.MemoryUsage, cpu: NodeJS.CpuUsage, gcExposed: boolean}>} sample
 * @property {(file: string) => Promise<string>} heapSnapshot
 * @property {() => string} output
 * @property {() => Promise<void>} stop
 */

/**
 * @param {string} name
 * @param {string} script
 * @param {Record<string, string>} env
 * @param {{ profileDir?: string, cwd?: string }} options
 * @returns {Promise<Server>}
 */
async function startServer(name, script, env, options = {}) {
  const port = await freePort();
  const flags = ['--expose-gc', '--import', PROBE];
  if (options.profileDir)
    flags.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  const managed = startNode(
    name,
    [...flags, script],
    { ...env, PORT: String(port) },
    options.cwd,
  );
  try {
    await waitForPort(managed, port);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return {
    name,
    port,
    sample: (gc = true) => managed.request({ probe: 'sample', gc }),
    heapSnapshot: async (file) =>
      (await managed.request({ probe: 'heap', file }, 300_000)).file,
    output: managed.output,
    stop: () => managed.stop(),
  };
}

/**
 * @param {{ profileDir?: string }} [options]
 * @param {{ UPSTREAM_URL?: string, MOCK_DELAY_MS?: string }} [env]
 */
export const startBaseline = (options, env = {}) =>
  startServer('baseline', BASELINE, env, options);

/**
 * The framework alone: NestJS, Express and `@Sse()` with the baseline's routes.
 * @param {{ profileDir?: string }} [options]
 * @param {{ UPSTREAM_URL?: string, MOCK_DELAY_MS?: string }} [env]
 */
export const startFloor = (options, env = {}) =>
  startServer('floor', NEST_FLOOR, env, options);

/**
 * The upstream's bytes piped through a bare `node:http` proxy (`/v1` only).
 * @param {{ profileDir?: string }} [options]
 * @param {{ UPSTREAM_URL?: string }} [env]
 */
export const startPipeProxy = (options, env = {}) =>
  startServer('pipe', PIPE_PROXY, env, options);

/**
 * The built app; `dist` may be another build (e.g. the code before a change).
 * Runs in a temporary folder, so that a developer's `.env` cannot change it.
 * @param {string} dist
 * @param {Record<string, string>} [env]
 * @param {{ profileDir?: string }} [options]
 */
export const startApp = (dist, env = {}, options = {}) =>
  startServer(
    'app',
    `${dist}/main.js`,
    { ...APP_ENV, ...env },
    { ...options, cwd: tmpdir() },
  );

/** @param {{ firstTokenMs: number, tokenIntervalMs: number, replyWords: number }} reply */
export const startFakeUpstream = ({
  firstTokenMs,
  tokenIntervalMs,
  replyWords,
}) =>
  startServer('fake-upstream', FAKE_UPSTREAM, {
    FIRST_TOKEN_MS: String(firstTokenMs),
    TOKEN_INTERVAL_MS: String(tokenIntervalMs),
    REPLY_WORDS: String(replyWords),
  });
