// The benchmark: the built app against a bare `node:http` baseline and against
// the Nest floor (the framework alone, same routes), same workloads, same run,
// same load client. See bench/README.md.
//
//   npm run bench                 full run (under 10 minutes), writes bench/results.md, .svg and .json
//   npm run bench -- --quick      under a minute, writes bench/.work/results-quick.md, .svg and .json
//   options: --rounds N, --only idle,fanout,ttft,v1,post,capacity,worst, --no-profile, --out <path without extension>,
//            --before <git ref, or folder with dist/> (an older build measured in the same run),
//            --render <results.json> (writes the .md and .svg again from saved figures, runs nothing),
//            --mock-delay-ms N (pause before each mock delta, in the app and the baseline alike)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRef } from './lib/build-ref.mjs';
import { startNode } from './lib/processes.mjs';
import { profilePass } from './lib/profile-pass.mjs';
import { writeReport } from './lib/report.mjs';
import {
  ROOT,
  startApp,
  startBaseline,
  startFakeUpstream,
  startFloor,
  startPipeProxy,
} from './lib/targets.mjs';
import * as workloads from './lib/workloads.mjs';
import { worstInput } from './lib/worst-input.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
    before: { type: 'string' },
    out: { type: 'string' },
    render: { type: 'string' },
    'mock-delay-ms': { type: 'string', default: '0' },
  },
});

if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8'));
  const written = await writeReport(
    saved,
    args.out ?? args.render.replace(/\.json$/, ''),
  );
  process.stdout.write(`wrote ${written.files.join(' and ')}\n`);
  process.exit(0);
}

const quick = args.quick;
const startedAt = Date.now();
const settings = {
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  idle: {
    connections: quick ? 2_000 : 10_000,
    settleMs: quick ? 500 : 1_000,
    timeoutMs: 120_000,
  },
  fanout: {
    subscribers: 200,
    replies: quick ? 20 : 100,
    warmupReplies: 5,
    posters: 10,
    timeoutMs: 120_000,
  },
  ttft: {
    streams: 200,
    firstTokenMs: 50,
    tokenIntervalMs: 50,
    // A reply streams for two seconds (quick: one, so that a quick run with
    // three servers stays under a minute); the slots start over as long, so
    // that all of them stream at once when measured streams start.
    replyWords: quick ? 20 : 40,
    rampMs: quick ? 1_000 : 2_000,
    measureFromMs: quick ? 1_000 : 2_000,
    untilMs: quick ? 1_500 : 6_000,
    timeoutMs: 60_000,
    // One unmeasured run of the same load on each server first (its code
    // compiled; bench/README.md).
    warmup: true,
  },
  // A fresh app runs its first ~2 000 POSTs at 2–3 times the CPU of the
  // steady state (its code still being compiled): after 1 s of warm-up the
  // quick run measured mostly that (bench/analysis.md, third pass).
  post: { connections: 50, warmupS: 3, durationS: quick ? 2 : 10 },
  // Streams of 40 chunks 25 ms apart, as a real model types, raised until
  // the p99 first-token overhead passes 50 ms (bench/README.md).
  capacity: {
    levels: quick ? [100, 200, 400] : [100, 200, 300, 400, 500, 600, 800],
    limitMs: 50,
    firstTokenMs: 50,
    tokenIntervalMs: 25,
    replyWords: 40,
    rampMs: 1_000,
    measureFromMs: 1_000,
    untilMs: quick ? 1_500 : 2_500,
    timeoutMs: 60_000,
  },
  // Each of issue #24's hostile inputs posted this many times to a fresh app.
  worst: { repeats: quick ? 2 : 5 },
  // Streams of the same upstream cut to this many chunks: the CPU per chunk
  // is the slope between these and the full-length streams.
  shortReplyWords: 10,
  profile: !args['no-profile'] && !quick,
  mockDelayMs: Number(args['mock-delay-ms']),
  heapConnections: 1_000,
};
const only = new Set(
  (args.only ?? 'idle,fanout,ttft,v1,post,capacity,worst').split(','),
);
const outBase =
  args.out ??
  (quick ? `${ROOT}bench/.work/results-quick` : `${ROOT}bench/results`);
const workDir = `${ROOT}bench/.work`;
mkdirSync(workDir, { recursive: true });

const log = (/** @type {string} */ line) =>
  process.stdout.write(
    `${String(Math.round((Date.now() - startedAt) / 1000)).padStart(4)}s  ${line}\n`,
  );

if (!existsSync(`${ROOT}dist/main.js`)) {
  log('dist/ is missing: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
const dist = `${ROOT}dist`;
/** `--before`: a folder holding a build's dist/, or a git ref to build. */
const beforeDist = !args.before
  ? undefined
  : existsSync(resolve(args.before, 'dist', 'main.js'))
    ? resolve(args.before, 'dist')
    : `${buildRef(ROOT, args.before)}/dist`;

const client = startNode('load-client', [
  `${ROOT}bench/client/load-client.mjs`,
]);
const upstream = await startFakeUpstream(settings.ttft);
const upstreamV1 = `http://127.0.0.1:${upstream.port}/v1`;
const shortUpstream = only.has('v1')
  ? await startFakeUpstream({
      ...settings.ttft,
      replyWords: settings.shortReplyWords,
    })
  : undefined;
const OPENAI_ENV = {
  LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: upstreamV1,
  OPENAI_API_KEY: 'bench',
  OPENAI_MODEL: 'fake',
};

/** Whether this build accepts LLM_PROVIDER=openai: it refuses to start otherwise. */
async function openAiAvailable(appDist) {
  try {
    const app = await startApp(appDist, OPENAI_ENV);
    await app.stop();
    return true;
  } catch {
    return false;
  }
}

const mockDelay = { MOCK_DELAY_MS: String(settings.mockDelayMs) };

/** The servers of each workload, by label; `before` only when asked for. */
function targets() {
  const list = [
    [
      'baseline',
      (env) => startBaseline({}, { ...mockDelay, ...env?.reference }),
    ],
    ['floor', (env) => startFloor({}, { ...mockDelay, ...env?.reference })],
    ['app', (env) => startApp(dist, { ...mockDelay, ...env?.app })],
  ];
  if (beforeDist)
    list.push([
      'before',
      (env) => startApp(beforeDist, { ...mockDelay, ...env?.app }),
    ]);
  return list;
}

const cpus = os.cpus();
const results = {
  settings,
  quick,
  before: args.before,
  machine: {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString(),
  },
  loadStart: os.loadavg(),
  rounds: [],
  skipped: {},
  profile: undefined,
};
const openAi = ['ttft', 'v1', 'capacity'].some((w) => only.has(w))
  ? {
      app: await openAiAvailable(dist),
      before: beforeDist ? await openAiAvailable(beforeDist) : false,
    }
  : {};

/**
 * `/v1/chat/completions` against the same upstream as the time to first
 * token: streamed through the app and through the pipe proxy, and not
 * streamed through the app; the upstream directly as the reference.
 */
async function v1Round(round) {
  if (!openAi.app) {
    results.skipped['v1.app'] = 'provider openai not available';
    return {};
  }
  const figures = {};
  const env = { ...mockDelay, ...OPENAI_ENV };
  const runs = [
    ['direct', upstream.port, undefined],
    ['app', () => startApp(dist, env), 'v1'],
    ['pipe', () => startPipeProxy({}, { UPSTREAM_URL: upstreamV1 }), 'v1'],
    ['appWhole', () => startApp(dist, env), 'v1-whole'],
  ];
  for (const [label, target, mode] of round % 2 ? runs.reverse() : runs) {
    figures[label] = await workloads.ttft(
      client,
      target,
      settings.ttft,
      `v${label[0]}${round}`,
      mode,
    );
    log(`v1     ${label.padEnd(9)} ${JSON.stringify(figures[label])}`);
  }
  // The same streams cut short, for the CPU per chunk (see workloads.chunkCost).
  const shortV1 = `http://127.0.0.1:${shortUpstream.port}/v1`;
  const shortEnv = { ...env, OPENAI_BASE_URL: shortV1 };
  figures.short = {};
  for (const [label, target, mode] of [
    ['app', () => startApp(dist, shortEnv), 'through'],
    ['appV1', () => startApp(dist, shortEnv), 'v1'],
    [
      'floor',
      () => startFloor({}, { ...mockDelay, UPSTREAM_URL: shortV1 }),
      'through',
    ],
    ['pipe', () => startPipeProxy({}, { UPSTREAM_URL: shortV1 }), 'v1'],
  ]) {
    figures.short[label] = await workloads.ttft(
      client,
      target,
      settings.ttft,
      `vs${label}${round}`,
      mode,
    );
    log(`short  ${label.padEnd(9)} ${JSON.stringify(figures.short[label])}`);
  }
  return figures;
}

try {
  for (let round = 0; round < settings.rounds; round++) {
    log(`── round ${round + 1}/${settings.rounds}`);
    const figures = {};
    results.rounds.push(figures);
    // Alternate who goes first, so that a drift in the machine's load does
    // not always favour the same server.
    const order = (list) => (round % 2 ? [...list].reverse() : list);
    for (const name of ['idle', 'fanout', 'ttft', 'v1', 'post'].filter((w) =>
      only.has(w),
    )) {
      figures[name] = {};
      if (name === 'v1') {
        figures.v1 = await v1Round(round);
        continue;
      }
      if (name === 'ttft') {
        figures.ttft.direct = await workloads.ttft(
          client,
          upstream.port,
          settings.ttft,
          `d${round}`,
        );
        log(`ttft   direct    ${JSON.stringify(figures.ttft.direct)}`);
      }
      for (const [label, start] of order(targets())) {
        if (name === 'ttft') {
          if (label in openAi && !openAi[label]) {
            results.skipped[`ttft.${label}`] = 'provider openai not available';
            log(
              `ttft   ${label.padEnd(9)} skipped: provider openai not available`,
            );
            continue;
          }
          const env = {
            reference: { UPSTREAM_URL: upstreamV1 },
            app: OPENAI_ENV,
          };
          figures.ttft[label] = await workloads.ttft(
            client,
            () => start(env),
            settings.ttft,
            `${label[0]}${round}`,
          );
        } else {
          figures[name][label] = await workloads[name](
            client,
            () => start(),
            settings[name],
          );
        }
        log(
          `${name.padEnd(6)} ${label.padEnd(9)} ${JSON.stringify(figures[name][label])}`,
        );
      }
    }
  }
  if (only.has('capacity') && openAi.app) {
    log('── capacity');
    const capacityUpstream = await startFakeUpstream(settings.capacity);
    try {
      const url = `http://127.0.0.1:${capacityUpstream.port}/v1`;
      // Load shedding as shipped: past capacity, accepted streams should
      // keep a bounded latency while new ones are refused.
      const appEnv = {
        ...mockDelay,
        ...OPENAI_ENV,
        OPENAI_BASE_URL: url,
        OVERLOAD_EVENT_LOOP_DELAY_MS: '100',
        OVERLOAD_EVENT_LOOP_UTILIZATION: '0.97',
      };
      results.capacity = await workloads.capacity(
        client,
        capacityUpstream.port,
        {
          app: { start: () => startApp(dist, appEnv), mode: 'through' },
          appV1: { start: () => startApp(dist, appEnv), mode: 'v1' },
          floor: {
            start: () => startFloor({}, { ...mockDelay, UPSTREAM_URL: url }),
            mode: 'through',
          },
          pipe: {
            start: () => startPipeProxy({}, { UPSTREAM_URL: url }),
            mode: 'v1',
          },
        },
        settings.capacity,
        log,
      );
    } finally {
      await capacityUpstream.stop();
    }
  }
  if (only.has('worst')) {
    log('── worst input');
    results.worstInput = {};
    for (const [label, appDist] of [
      ['app', dist],
      ...(beforeDist ? [['before', beforeDist]] : []),
    ]) {
      results.worstInput[label] = await worstInput(
        () => startApp(appDist, mockDelay),
        settings.worst,
      );
      for (const [name, figures] of Object.entries(results.worstInput[label])) {
        log(`worst  ${label.padEnd(9)} ${name}: ${JSON.stringify(figures)}`);
      }
    }
  }
  if (settings.profile) {
    log('── profiles');
    results.profile = await profilePass({
      client,
      dist,
      workDir,
      settings,
      openAiEnv: openAi.app ? OPENAI_ENV : undefined,
      referenceEnv: { UPSTREAM_URL: upstreamV1 },
      log,
    });
  }
} finally {
  await client.stop();
  await upstream.stop();
  await shortUpstream?.stop();
}

results.elapsedS = (Date.now() - startedAt) / 1000;
const written = await writeReport(results, outBase);
log(`\n${written.markdown}`);
log(`wrote ${written.files.join(' and ')} in ${results.elapsedS.toFixed(0)} s`);
rmSync(`${workDir}/heap`, { recursive: true, force: true });
