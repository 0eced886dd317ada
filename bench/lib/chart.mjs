// The chart of results.svg, drawn by hand: one bar per figure for its ratio
// to the baseline with the target marked, then the time-to-first-token
// overheads in milliseconds against their targets.

const escape = (text) =>
  String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const COLOURS = {
  met: '#2e7d32',
  missed: '#e65100',
  none: '#78909c',
  before: '#b0bec5',
  target: '#c62828',
};

const WIDTH = 820;
const LABEL_WIDTH = 290;
const BAR_LEFT = LABEL_WIDTH + 10;
const BAR_WIDTH = WIDTH - BAR_LEFT - 90;

/**
 * @param {{ metric: any, app: number, appRatio: number, appMet?: boolean, beforeRatio?: number }[]} rows
 * @param {Record<string, {p50Ms: number, p99Ms: number, skipped?: string}>} ttft
 * @param {string[]} labels
 * @param {{p50Ms: number, p99Ms: number}} ttftTargets
 */
export function renderChart(allRows, ttft, labels, ttftTargets) {
  const rows = allRows.filter(
    (r) => r.metric.chart !== false && Number.isFinite(r.appRatio),
  );
  const parts = [];
  let y = 30;
  const text = (x, ty, content, attributes = '') =>
    parts.push(
      `<text x="${x}" y="${ty}" ${attributes}>${escape(content)}</text>`,
    );
  const bar = (ty, width, colour, height) =>
    parts.push(
      `<rect x="${BAR_LEFT}" y="${ty}" width="${Math.max(1, width).toFixed(1)}" height="${height}" fill="${colour}"/>`,
    );
  const marker = (x, top, bottom, colour, dash = '') =>
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${colour}" stroke-width="2" ${dash}/>`,
    );

  text(
    10,
    y,
    'App ÷ bare node:http baseline (same run)',
    'font-weight="bold" font-size="15"',
  );
  y += 14;
  const scaleMax = Math.ceil(
    Math.max(
      2,
      ...rows
        .flatMap((r) => [
          r.appRatio,
          r.beforeRatio ?? 0,
          r.metric.target?.max ?? 0,
          r.metric.target?.min ?? 0,
        ])
        .filter(Number.isFinite),
    ),
  );
  const xOf = (ratio) =>
    BAR_LEFT + (Math.min(ratio, scaleMax) / scaleMax) * BAR_WIDTH;
  const top = y + 6;
  for (const row of rows) {
    y += 10;
    const target = row.metric.target;
    const colour =
      row.appMet === undefined
        ? COLOURS.none
        : row.appMet
          ? COLOURS.met
          : COLOURS.missed;
    text(10, y + 14, row.metric.short, 'font-size="13"');
    bar(y + 2, xOf(row.appRatio) - BAR_LEFT, colour, 16);
    text(
      xOf(row.appRatio) + 6,
      y + 15,
      `${row.appRatio.toFixed(2)}×`,
      'font-size="12"',
    );
    if (labels.includes('before') && Number.isFinite(row.beforeRatio)) {
      bar(y + 20, xOf(row.beforeRatio) - BAR_LEFT, COLOURS.before, 8);
      text(
        xOf(row.beforeRatio) + 6,
        y + 28,
        `before ${row.beforeRatio.toFixed(2)}×`,
        'font-size="10" fill="#546e7a"',
      );
      y += 10;
    }
    if (target) {
      const at = xOf(target.max ?? target.min);
      marker(at, y, y + 22, COLOURS.target);
      text(
        10,
        y + 27,
        `target ${target.max !== undefined ? '≤' : '≥'} ${target.max ?? target.min}×`,
        'font-size="10" fill="#c62828"',
      );
    }
    y += 24;
  }
  marker(xOf(1), top, y + 4, '#263238', 'stroke-dasharray="4 3"');
  text(xOf(1) - 14, y + 18, '1× = baseline', 'font-size="11"');
  for (let tick = 0; tick <= scaleMax; tick++)
    text(xOf(tick) - 4, top - 2, `${tick}`, 'font-size="10" fill="#546e7a"');
  y += 34;

  if (ttft.app || ttft.baseline) {
    text(
      10,
      y,
      'Time to first token: overhead over calling the upstream directly (ms)',
      'font-weight="bold" font-size="15"',
    );
    y += 14;
    const values = ['baseline', ...labels]
      .flatMap((l) => [ttft[l]?.p50Ms, ttft[l]?.p99Ms])
      .filter(Number.isFinite);
    const msMax = Math.ceil(Math.max(ttftTargets.p99Ms * 2, ...values));
    const xMs = (value) =>
      BAR_LEFT + (Math.max(0, Math.min(value, msMax)) / msMax) * BAR_WIDTH;
    for (const label of ['baseline', ...labels]) {
      for (const key of ['p50Ms', 'p99Ms']) {
        y += 8;
        const name = `${label === 'before' ? 'app before' : label} ${key.slice(0, 3)}`;
        text(10, y + 14, name, 'font-size="13"');
        const entry = ttft[label];
        if (!entry || entry.skipped || !Number.isFinite(entry[key])) {
          text(
            BAR_LEFT,
            y + 14,
            `skipped: ${entry?.skipped ?? 'not measured'}`,
            'font-size="12" fill="#546e7a"',
          );
        } else {
          const ok =
            label === 'baseline' ? undefined : entry[key] <= ttftTargets[key];
          bar(
            y + 2,
            xMs(entry[key]) - BAR_LEFT,
            ok === undefined ? COLOURS.none : ok ? COLOURS.met : COLOURS.missed,
            16,
          );
          text(
            xMs(entry[key]) + 6,
            y + 15,
            `${entry[key].toFixed(2)} ms`,
            'font-size="12"',
          );
        }
        if (label !== 'baseline')
          marker(xMs(ttftTargets[key]), y, y + 22, COLOURS.target);
        y += 22;
      }
    }
    text(
      10,
      y + 16,
      `targets (red): p50 ≤ ${ttftTargets.p50Ms} ms, p99 ≤ ${ttftTargets.p99Ms} ms; scale 0–${msMax} ms`,
      'font-size="10" fill="#c62828"',
    );
    y += 30;
  }
  text(
    10,
    y,
    'green: target met · orange: target missed · grey: no target',
    'font-size="11" fill="#546e7a"',
  );
  y += 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
