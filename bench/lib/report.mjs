// Turns a run's figures into bench/results.md (tables, profile and heap
// evidence, then the hand-written analysis from bench/analysis.md) and the
// chart of ratios, bench/results.svg. Three servers are compared: the bare
// baseline, the Nest floor (the framework alone) and the app; the targets
// are on app / baseline, and app / floor is what the app's code adds.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { median } from './stats.mjs';
import { renderChart } from './chart.mjs';

const ANALYSIS = fileURLToPath(new URL('../analysis.md', import.meta.url));
const group = (n, digits = 0) =>
  Number.isFinite(n)
    ? n
        .toLocaleString('en-GB', {
          maximumFractionDigits: digits,
          minimumFractionDigits: digits,
        })
        .replace(/,/g, ' ')
    : '–';
const kb = (n) => `${group(n, 1)} KB`;
const perSecond = (n) => `${group(n)}/s`;
const seconds = (ms) => `${group(ms / 1000, 2)} s`;
const ms = (n) => `${group(n, 2)} ms`;
/** A difference with its sign: +1.20 ms, −0.69 ms. */
const signedMs = (n) =>
  Number.isFinite(n) ? `${n < 0 ? '−' : '+'}${ms(Math.abs(n))}` : '–';
const times = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

/** The figures compared with the baseline, as ratios to it. */
export const RATIO_METRICS = [
  {
    workload: 'idle',
    field: 'rssPerConnectionKb',
    format: kb,
    target: { max: 1.3 },
    label: (s) =>
      `Idle memory per SSE connection (RSS, ${group(s.idle.connections)} open)`,
    short: 'idle memory / connection',
  },
  {
    workload: 'idle',
    field: 'heapPerConnectionKb',
    format: kb,
    label: () => 'JS heap per idle connection',
    short: 'JS heap / connection',
  },
  {
    workload: 'idle',
    field: 'openMs',
    format: seconds,
    label: (s) => `Time to open the ${group(s.idle.connections)} connections`,
    short: 'time to open them',
  },
  {
    workload: 'fanout',
    field: 'eventsPerSecond',
    format: perSecond,
    target: { min: 0.8 },
    label: (s) =>
      `Fan-out: \`delta\` events delivered per second (${s.fanout.subscribers} subscribers × ${s.fanout.replies} replies)`,
    short: 'fan-out events/s',
  },
  {
    workload: 'fanout',
    field: 'serverCpuUsPerDelta',
    format: (n) => `${group(n, 1)} µs`,
    label: () => 'Fan-out: server CPU time per delivered `delta` event',
    short: 'fan-out CPU / event',
  },
  {
    workload: 'fanout',
    field: 'readsPerDelta',
    format: (n) => group(n, 2),
    chart: false,
    label: () =>
      'Fan-out: socket reads per delivered `delta` event at the client (≈ server writes per event)',
    short: 'reads / event',
  },
  {
    workload: 'post',
    field: 'acceptedPerSecond',
    format: perSecond,
    target: { min: 0.5 },
    label: (s) =>
      `\`POST /server/send\` accepted per second (autocannon, ${s.post.connections} connections, ${s.post.durationS} s)`,
    short: 'POST accepted/s',
  },
];

export const TTFT_TARGETS = { p50Ms: 1, p99Ms: 5 };
const TTFT_KEYS = ['p50Ms', 'p99Ms', 'burstP50Ms', 'burstP99Ms'];

const targetText = (t) =>
  !t ? '–' : t.max !== undefined ? `≤ ${t.max}×` : `≥ ${t.min}×`;
const meets = (t, r) =>
  !t ? undefined : t.max !== undefined ? r <= t.max : r >= t.min;
const verdict = (ok) => (ok === undefined ? '' : ok ? 'met' : '**missed**');

/** How each server is named in the tables. */
const NAMES = {
  baseline: 'baseline',
  floor: 'Nest floor',
  app: 'app',
  before: 'app before',
  direct: 'upstream directly',
  pipe: 'pipe proxy',
  appWhole: 'app, not streamed',
};

/**
 * Median figure of each server across rounds, and medians of the per-round
 * ratios: to the baseline, and app / floor.
 * @param {string[]} labels  the servers besides the baseline
 */
export function summarise(results, labels) {
  const rows = RATIO_METRICS.filter((m) =>
    results.rounds.some((r) => r[m.workload]),
  ).map((metric) => {
    const figures = (label) =>
      results.rounds.map((r) => r[metric.workload]?.[label]?.[metric.field]);
    const base = figures('baseline');
    const row = { metric, baseline: median(base) };
    for (const label of labels) {
      row[label] = median(figures(label));
      row[`${label}Ratio`] = median(figures(label).map((v, i) => v / base[i]));
      row[`${label}Met`] = meets(metric.target, row[`${label}Ratio`]);
    }
    const floor = figures('floor');
    row.appFloorRatio = median(figures('app').map((v, i) => v / floor[i]));
    return row;
  });
  const ttft = {};
  if (results.rounds.some((r) => r.ttft)) {
    for (const label of ['baseline', ...labels]) {
      const overhead = (key) =>
        median(
          results.rounds.map((r) =>
            r.ttft?.[label] ? r.ttft[label][key] - r.ttft.direct[key] : NaN,
          ),
        );
      ttft[label] = { skipped: results.skipped[`ttft.${label}`] };
      for (const key of TTFT_KEYS) ttft[label][key] = overhead(key);
    }
    ttft.direct = {};
    for (const key of TTFT_KEYS)
      ttft.direct[key] = median(
        results.rounds.map((r) => r.ttft?.direct?.[key]),
      );
  }
  return { rows, ttft };
}

function machine(results) {
  const m = results.machine;
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores; ${group(m.memoryGiB, 1)} GiB memory; ${m.os}`,
    `- Node ${m.node}; date ${m.date.slice(0, 16).replace('T', ' ')} UTC; the run took ${group(results.elapsedS)} s${results.before ? `; "app before the change" is commit \`${results.before}\`, built and measured in the same run` : ''}`,
    `- Mock replies (idle, fan-out, POST): \`MOCK_DELAY_MS=${results.settings.mockDelayMs ?? 0}\` in every server${results.settings.mockDelayMs ? ' (deltas spaced in time)' : ": a reply's deltas come in one burst"}`,
    `- Load average when the run began: ${results.loadStart.map((l) => l.toFixed(2)).join(', ')} (other work on the machine makes every figure noisier; the ratios come from the same run)`,
  ].join('\n');
}

function cpuTable(results, labels) {
  const lines = [
    '| workload | server | server CPU | load client CPU | measured for |',
    '| --- | --- | --- | --- | --- |',
  ];
  // The span each CPU time was measured over (TTFT: the whole workload).
  const windows = {
    idle: (f) => f.openMs,
    fanout: (f) => f.ms,
    post: () => results.settings.post.durationS * 1000,
  };
  for (const workload of ['idle', 'fanout', 'ttft', 'post']) {
    for (const label of [
      'baseline',
      ...labels,
      ...(workload === 'ttft' ? ['direct'] : []),
    ]) {
      const all = results.rounds
        .map((r) => r[workload]?.[label])
        .filter(Boolean);
      if (all.length === 0) continue;
      const server = median(all.map((f) => f.serverCpuMs));
      const client = median(all.map((f) => f.clientCpuMs));
      const span = windows[workload]
        ? median(all.map(windows[workload]))
        : undefined;
      const share = (cpu) =>
        span ? ` (${group((cpu / span) * 100)}% of one core)` : '';
      lines.push(
        `| ${workload} | ${NAMES[label] ?? label} | ${Number.isFinite(server) ? ms(server) + share(server) : '–'} | ${ms(client)}${share(client)} | ${span ? seconds(span) : 'whole workload'} |`,
      );
    }
  }
  return lines.join('\n');
}

function profileSection(profile) {
  const out = ['## Where the time and memory go', ''];
  for (const [label, byWorkload] of Object.entries(profile.cpu)) {
    for (const [workload, summary] of Object.entries(byWorkload)) {
      out.push(
        `### CPU profile: ${workload}, ${NAMES[label] ?? label} (${group(summary.totalMs)} ms busy, whole process life)`,
        '',
      );
      out.push(
        `By area: ${summary.areas
          .slice(0, 8)
          .map((a) => `${a.area} ${group(a.share * 100, 1)}%`)
          .join(', ')}.`,
        '',
      );
      out.push('| self time | function | where |', '| --- | --- | --- |');
      for (const f of summary.top.slice(0, 12))
        out.push(
          `| ${group(f.share * 100, 1)}% | \`${f.name}\` | ${f.where ? `\`${f.where}\`` : ''} |`,
        );
      out.push('');
    }
  }
  const heaps = Object.entries(profile.heap);
  out.push(
    `### Heap per idle connection (snapshots before and after ${group(profile.heapConnections)} connections)`,
    '',
    '| server | JS heap / connection | objects / connection |',
    '| --- | --- | --- |',
    ...heaps.map(
      ([label, heap]) =>
        `| ${NAMES[label] ?? label} | ${kb(heap.bytesPerConnection / 1024)} | ${group(heap.objectsPerConnection)} |`,
    ),
    '',
  );
  for (const [label, heap] of heaps) {
    out.push(
      `### Heap per idle connection: ${NAMES[label] ?? label} (snapshots before and after ${group(profile.heapConnections)} connections)`,
      '',
      `${kb(heap.bytesPerConnection / 1024)} and ${group(heap.objectsPerConnection)} objects per connection on the JS heap. Largest kinds:`,
      '',
      '| bytes / connection | objects / connection | kind |',
      '| --- | --- | --- |',
    );
    for (const r of heap.top.slice(0, 12))
      out.push(`| ${group(r.bytes)} | ${group(r.count, 1)} | \`${r.kind}\` |`);
    out.push('');
  }
  return out.join('\n');
}

/** Whether the Nest floor alone would meet each target: evidence of the framework's share of a miss. */
function floorAgainstTargets(rows, ttft) {
  const lines = [];
  for (const row of rows) {
    if (!row.metric.target || !Number.isFinite(row.floorRatio)) continue;
    const ok = meets(row.metric.target, row.floorRatio);
    lines.push(
      `- ${row.metric.short}: floor ${times(row.floorRatio)} against ${targetText(row.metric.target)}, ${ok ? 'met' : '**missed**'}${ok ? '' : ` (the app is ${times(row.appFloorRatio)} the floor)`}`,
    );
  }
  for (const key of ['p50Ms', 'p99Ms']) {
    const value = ttft.floor?.[key];
    if (!Number.isFinite(value)) continue;
    lines.push(
      `- time to first token, ${key.slice(0, 3)} overhead: floor +${ms(value)} against ≤ ${TTFT_TARGETS[key]} ms, ${value <= TTFT_TARGETS[key] ? 'met' : '**missed**'}`,
    );
  }
  return lines.length
    ? ['The Nest floor alone, against the same targets:', '', ...lines].join(
        '\n',
      )
    : '';
}

const med = (results, pick) =>
  median(results.rounds.map((r) => pick(r)).filter(Number.isFinite));

/**
 * Server CPU per upstream chunk, from provider socket to subscriber socket:
 * the slope of the CPU per stream between full-length streams and the same
 * streams cut short (`shortReplyWords`), so that what each request costs
 * whatever its length cancels out. Median of the rounds.
 */
function cpuPerChunkUs(results, workload, label, shortLabel) {
  const long = results.settings.ttft.replyWords;
  const short = results.settings.shortReplyWords;
  if (!short) return NaN;
  return med(
    results,
    (r) =>
      ((r[workload]?.[label]?.serverCpuMsPerStream -
        r.v1?.short?.[shortLabel]?.serverCpuMsPerStream) *
        1000) /
      (long - short),
  );
}

/** Time to first token, smoothness and CPU of each path, medians of the rounds. */
function pathsTable(results) {
  const rows = [
    ['seed route (`POST /server/send` → `delta`), app', 'ttft', 'app', 'app'],
    ['seed route, Nest floor', 'ttft', 'floor', 'floor'],
    ['seed route, bare baseline', 'ttft', 'baseline'],
    ['`/v1/chat/completions` streamed, app', 'v1', 'app', 'appV1'],
    ['`/v1/chat/completions` streamed, pipe proxy', 'v1', 'pipe', 'pipe'],
    ['`/v1/chat/completions` not streamed, app', 'v1', 'appWhole'],
  ];
  const lines = [
    '| path | TTFT overhead p50 / p99 | p99 of the largest gap (upstream directly) | server CPU per upstream chunk (slope) | per delivered chunk, requests included | server CPU per stream |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [what, workload, label, shortLabel] of rows) {
    const slope = shortLabel
      ? cpuPerChunkUs(results, workload, label, shortLabel)
      : NaN;
    const pick = (key) => med(results, (r) => r[workload]?.[label]?.[key]);
    const direct = (key) =>
      med(results, (r) => (r[workload]?.direct ?? r.ttft?.direct)?.[key]);
    const over = (key) =>
      med(
        results,
        (r) =>
          r[workload]?.[label]?.[key] -
          (r[workload]?.direct ?? r.ttft?.direct)?.[key],
      );
    if (!Number.isFinite(pick('p50Ms'))) continue;
    const whole = label === 'appWhole';
    lines.push(
      `| ${what} | ${whole ? `${ms(pick('p50Ms'))} / ${ms(pick('p99Ms'))} (whole answer)` : `${signedMs(over('p50Ms'))} / ${signedMs(over('p99Ms'))}`} | ${whole ? '–' : `${ms(pick('gapP99Ms'))} (${ms(direct('gapP99Ms'))})`} | ${Number.isFinite(slope) ? `${group(slope, 1)} µs` : '–'} | ${Number.isFinite(pick('serverCpuUsPerChunk')) ? `${group(pick('serverCpuUsPerChunk'), 1)} µs` : '–'} | ${Number.isFinite(pick('serverCpuMsPerStream')) ? ms(pick('serverCpuMsPerStream')) : '–'} |`,
    );
  }
  return lines.join('\n');
}

/** The longest event-loop block of each hostile input (target: 50 ms). */
function worstInputTable(results) {
  const labels = Object.keys(results.worstInput);
  const names = Object.keys(results.worstInput[labels[0]]);
  const lines = [
    `| input | body | ${labels.map((l) => `${l}: status, answer, longest block`).join(' | ')} |`,
    `| --- | --- | ${labels.map(() => '---').join(' | ')} |`,
  ];
  for (const name of names) {
    const first = results.worstInput[labels[0]][name];
    const cells = labels.map((label) => {
      const f = results.worstInput[label][name];
      return f
        ? `${f.status}, ${(f.answerBytes / 1024).toFixed(1)} KB, ${f.maxBlockMs} ms`
        : '—';
    });
    lines.push(
      `| ${name} | ${(first.bodyBytes / 1024).toFixed(0)} KB | ${cells.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function capacityTable(results) {
  const c = results.capacity;
  if (!c) return '';
  const names = {
    app: 'app, seed route',
    appV1: 'app, `/v1` streamed',
    floor: 'Nest floor, seed route',
    pipe: 'pipe proxy, `/v1` streamed',
  };
  const s = results.settings.capacity;
  const run = results.capacityRun
    ? [
        `From a separate run (${results.capacityRun.note}) on ${results.capacityRun.date.slice(0, 16).replace('T', ' ')} UTC, load average ${results.capacityRun.loadStart.map((l) => l.toFixed(2)).join(', ')} when it began.`,
        '',
      ]
    : [];
  const lines = [
    ...run,
    `Concurrent streams of ${s.replyWords} chunks ${s.tokenIntervalMs} ms apart, raised through ${s.levels.join(', ')} until the p99 first-token overhead over the upstream called directly at the same level passes ${s.limitMs} ms (or a stream is refused). One server per ladder, warmed up at the first level.`,
    '',
    '| server | capacity | each level: streams → p50 / p99 overhead, p99 largest gap, refused | far past capacity: p50 / p99 overhead of the accepted streams, refused |',
    '| --- | --- | --- | --- |',
  ];
  for (const [name, r] of Object.entries(c)) {
    lines.push(
      `| ${names[name] ?? name} | **${r.capacity}** | ${r.levels
        .map(
          (l) =>
            `${l.streams} → ${signedMs(l.overheadP50Ms)} / ${signedMs(l.overheadP99Ms)}, gap ${group(l.gapP99Ms)} ms (direct ${group(l.directGapP99Ms)})${l.refused ? `, ${l.refused} refused` : ''}`,
        )
        .join('; ')} | ${
        r.pastCapacity
          ? `${r.pastCapacity.streams} streams → ${signedMs(r.pastCapacity.overheadP50Ms)} / ${signedMs(r.pastCapacity.overheadP99Ms)}, ${r.pastCapacity.refused} refused`
          : '–'
      } |`,
    );
  }
  return lines.join('\n');
}

/** The targets of issue #15, each with the figure that decides it. */
function issueTargets(results) {
  const lines = ['| target | figure | verdict |', '| --- | --- | --- |'];
  const row = (what, figure, ok) =>
    lines.push(
      `| ${what} | ${figure} | ${ok === undefined ? 'not measured' : ok ? 'met' : '**missed**'} |`,
    );
  const pick = (w, l, k) => med(results, (r) => r[w]?.[l]?.[k]);
  const over = (w, l, k) =>
    med(results, (r) => r[w]?.[l]?.[k] - (r[w]?.direct ?? r.ttft?.direct)?.[k]);
  const known = (v) => Number.isFinite(v);
  const check = (v, test) => (known(v) ? test(v) : undefined);
  for (const [what, w, l, shortLabel, reference] of [
    [
      'seed route',
      'ttft',
      'app',
      'app',
      ['Nest floor', 'ttft', 'floor', 'floor'],
    ],
    [
      '`/v1` streamed',
      'v1',
      'app',
      'appV1',
      ['pipe proxy', 'v1', 'pipe', 'pipe'],
    ],
  ]) {
    const cpu = cpuPerChunkUs(results, w, l, shortLabel);
    const [refName, ...ref] = reference;
    row(
      `Server CPU per upstream chunk ≤ 20 µs, ${what}`,
      `${group(cpu, 1)} µs (${refName} ${group(cpuPerChunkUs(results, ...ref), 1)} µs); requests included: ${group(pick(w, l, 'serverCpuUsPerChunk'), 1)} µs per delivered chunk`,
      check(cpu, (v) => v <= 20),
    );
  }
  const whole = pick('v1', 'appWhole', 'serverCpuMsPerStream');
  row(
    'Server CPU per `/v1` call, not streamed (no target; the per-request share)',
    known(whole) ? ms(whole) : '–',
    undefined,
  );
  const perPost = pick('post', 'app', 'serverCpuUsPerPost');
  row(
    'Server CPU per `POST /server/send`, its reply included ≤ 0.5 ms',
    known(perPost) ? ms(perPost / 1000) : '–',
    check(perPost, (v) => v <= 500),
  );
  const floorP50 = over('ttft', 'floor', 'p50Ms');
  const floorP99 = over('ttft', 'floor', 'p99Ms');
  for (const [what, w] of [
    ['seed route', 'ttft'],
    ['`/v1` streamed', 'v1'],
  ]) {
    const p50 = over(w, 'app', 'p50Ms');
    const p99 = over(w, 'app', 'p99Ms');
    row(
      `TTFT overhead p50 ≤ Nest floor + 1 ms, ${what}`,
      `${signedMs(p50)} (floor ${signedMs(floorP50)}${w === 'v1' ? `; pipe proxy ${signedMs(over('v1', 'pipe', 'p50Ms'))}` : ''})`,
      known(p50) && known(floorP50) ? p50 <= floorP50 + 1 : undefined,
    );
    row(
      `TTFT overhead p99 ≤ Nest floor + 5 ms, ${what}`,
      `${signedMs(p99)} (floor ${signedMs(floorP99)}${w === 'v1' ? `; pipe proxy ${signedMs(over('v1', 'pipe', 'p99Ms'))}` : ''})`,
      known(p99) && known(floorP99) ? p99 <= floorP99 + 5 : undefined,
    );
    const gap = pick(w, 'app', 'gapP99Ms');
    const upstreamGap = med(
      results,
      (r) => (r[w]?.direct ?? r.ttft?.direct)?.gapP99Ms,
    );
    row(
      `Smoothness: p99 of each stream's largest gap ≤ the upstream's + 10 ms, ${what}`,
      `${ms(gap)} (upstream ${ms(upstreamGap)})`,
      known(gap) && known(upstreamGap) ? gap <= upstreamGap + 10 : undefined,
    );
  }
  if (results.capacity) {
    const c = results.capacity;
    const appCap = Math.max(c.app?.capacity ?? 0, c.appV1?.capacity ?? 0);
    row(
      'Capacity ≥ 500 concurrent streams (40 chunks 25 ms apart)',
      `app ${c.app?.capacity ?? '–'} (seed route), ${c.appV1?.capacity ?? '–'} (\`/v1\`); Nest floor ${c.floor?.capacity ?? '–'}; pipe proxy ${c.pipe?.capacity ?? '–'}`,
      appCap >= 500,
    );
  }
  const postRate = med(
    results,
    (r) => r.post?.app?.acceptedPerSecond / r.post?.floor?.acceptedPerSecond,
  );
  const postP99 = med(
    results,
    (r) => r.post?.app?.latencyP99Ms / r.post?.floor?.latencyP99Ms,
  );
  const refusedPosts = med(results, (r) => r.post?.app?.refusedPerSecond);
  row(
    '`POST /server/send` accepted/s ≥ 0.7× the Nest floor',
    `${times(postRate)}${refusedPosts > 0 ? ` (and ${group(refusedPosts)}/s refused with 503 overloaded)` : ''}`,
    check(postRate, (v) => v >= 0.7),
  );
  row(
    '`POST /server/send` p99 latency ≤ 2× the Nest floor',
    times(postP99),
    check(postP99, (v) => v <= 2),
  );
  const idle = med(
    results,
    (r) => r.idle?.app?.rssPerConnectionKb / r.idle?.floor?.rssPerConnectionKb,
  );
  row(
    'Idle memory per SSE connection ≤ the Nest floor',
    times(idle),
    check(idle, (v) => v <= 1),
  );
  const fan = med(
    results,
    (r) => r.fanout?.app?.eventsPerSecond / r.fanout?.floor?.eventsPerSecond,
  );
  row(
    'Fan-out ≥ 1.5× the Nest floor',
    times(fan),
    check(fan, (v) => v >= 1.5),
  );
  return lines.join('\n');
}

function roundsTable(results, labels) {
  const lines = [
    '| round | workload | server | figures |',
    '| --- | --- | --- | --- |',
  ];
  results.rounds.forEach((round, i) => {
    for (const [workload, byLabel] of Object.entries(round)) {
      for (const [label, f] of Object.entries(byLabel)) {
        if (
          !['baseline', 'direct', 'pipe', 'appWhole', ...labels].includes(label)
        )
          continue;
        const text = Object.entries(f)
          .filter(([, v]) => typeof v === 'number')
          .map(([k, v]) => `${k} ${group(v, Math.abs(v) < 100 ? 2 : 0)}`)
          .join(', ');
        lines.push(
          `| ${i + 1} | ${workload} | ${NAMES[label] ?? label} | ${text} |`,
        );
      }
    }
  });
  return lines.join('\n');
}

/**
 * @param {any} results
 * @param {string} outBase  path without extension
 */
export async function writeReport(results, outBase) {
  const { quick } = results;
  const before = Boolean(results.before);
  const labels = ['floor', 'app', ...(before ? ['before'] : [])];
  const { rows, ttft } = summarise(results, labels);
  const s = results.settings;
  const table = [
    `| figure | baseline | Nest floor | app |${before ? ' app before (÷ baseline) |' : ''} floor ÷ baseline | app ÷ baseline | app ÷ floor | target | verdict |`,
    `|${' --- |'.repeat(before ? 10 : 9)}`,
  ];
  for (const row of rows) {
    const f = (v) => (Number.isFinite(v) ? row.metric.format(v) : '–');
    const beforeCell = before
      ? ` ${f(row.before)} (${times(row.beforeRatio)}) |`
      : '';
    table.push(
      `| ${row.metric.label(s)} | ${f(row.baseline)} | ${f(row.floor)} | ${f(row.app)} |${beforeCell} ${times(row.floorRatio)} | ${times(row.appRatio)} | ${times(row.appFloorRatio)} | ${targetText(row.metric.target)} | ${verdict(row.appMet)} |`,
    );
  }
  if (ttft.direct) {
    for (const key of TTFT_KEYS) {
      const burst = key.startsWith('burst');
      const p = burst ? key.slice(5, 8).toLowerCase() : key.slice(0, 3);
      const cell = (l) =>
        ttft[l]?.skipped
          ? `skipped: ${ttft[l].skipped}`
          : Number.isFinite(ttft[l]?.[key])
            ? `+${ms(ttft[l][key])}`
            : '–';
      const target = TTFT_TARGETS[key];
      const ok =
        ttft.app?.skipped || target === undefined
          ? undefined
          : ttft.app[key] <= target;
      const what = burst
        ? `Time to first token, ${p} overhead, burst: ${s.ttft.streams} streams started at once (direct ${p} ${ms(ttft.direct[key])})`
        : `Time to first token, ${p} overhead over calling the upstream directly, ${s.ttft.streams} concurrent streams (direct ${p} ${ms(ttft.direct[key])})`;
      table.push(
        `| ${what} | ${cell('baseline')} | ${cell('floor')} | ${cell('app')} |${before ? ` ${cell('before')} |` : ''} – | – | – | ${target === undefined ? '–' : `≤ ${target} ms`} | ${ttft.app?.skipped ? 'not measured' : verdict(ok)} |`,
      );
    }
  }
  const markdown = [
    `# Benchmark results${quick ? ' (quick run: smaller workloads, not the committed figures)' : ''}`,
    '',
    `Produced by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.mjs). Three servers, each measured in every round against the same load client: the bare \`node:http\` baseline (the floor for Node), the Nest floor (NestJS, Express and \`@Sse()\` with the same routes and events and nothing of the app's: the floor of the mandated framework) and the app. Every figure is the median of ${s.rounds} round(s); each ratio is the median of the per-round ratios of two servers measured in the same round. Chart: [results.svg](results.svg).`,
    '',
    machine(results),
    '',
    '## The targets of issue #15',
    '',
    issueTargets(results),
    '',
    '## Each path: time to first token, smoothness, CPU',
    '',
    pathsTable(results),
    '',
    ...(results.capacity
      ? ['## Capacity', '', capacityTable(results), '']
      : []),
    ...(results.worstInput
      ? ['## Worst input', '', worstInputTable(results), '']
      : []),
    '## Against the bare baseline',
    '',
    table.join('\n'),
    '',
    'The targets and the verdicts are on app ÷ baseline. Floor ÷ baseline is what the framework costs by itself; app ÷ floor is what the app adds on top of it. Below 1× is better for memory and time, above 1× is better for throughput.',
    ...[floorAgainstTargets(rows, ttft)]
      .filter(Boolean)
      .flatMap((t) => ['', t]),
    '',
    '## CPU time of the servers and of the load client',
    '',
    'The load client is one process, separate from the servers, on raw sockets. Its CPU share shows it was not the bottleneck.',
    '',
    cpuTable(results, labels),
    '',
    results.profile
      ? profileSection(results.profile)
      : '_No profiles in this run (quick runs skip them; `--no-profile`)._',
    '',
    existsSync(ANALYSIS) ? readFileSync(ANALYSIS, 'utf8').trim() : '',
    '',
    '## Every round',
    '',
    roundsTable(results, labels),
    '',
  ].join('\n');
  // Written as Prettier writes them, so that the committed results pass the
  // project's format check.
  const pretty = async (text, extension) =>
    format(text, {
      ...(await resolveConfig(`${outBase}.${extension}`)),
      filepath: `${outBase}.${extension}`,
    });
  // The figures first: a report that fails to render loses no run.
  mkdirSync(dirname(outBase), { recursive: true });
  writeFileSync(
    `${outBase}.json`,
    await pretty(JSON.stringify(results), 'json'),
  );
  writeFileSync(`${outBase}.md`, await pretty(markdown, 'md'));
  writeFileSync(
    `${outBase}.svg`,
    renderChart(rows, ttft, labels, TTFT_TARGETS),
  );
  return { markdown, files: [`${outBase}.md`, `${outBase}.svg`] };
}
