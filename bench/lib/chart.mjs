// The chart of results.svg, drawn by hand. First, for each figure, the Nest
// floor's and the app's ratios to the baseline, on a logarithmic scale
// centred on 1× (half and double are as far from the baseline), with the
// app's target marked: the gap between the two bars is what the app adds to
// the framework. Then the time-to-first-token overheads in milliseconds
// against their targets.

const escape = (text) =>
  String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const COLOURS = {
  met: '#2e7d32',
  missed: '#e65100',
  none: '#78909c',
  floor: '#3949ab',
  before: '#b0bec5',
  target: '#c62828',
  axis: '#546e7a',
};

const WIDTH = 860;
const LABEL_WIDTH = 200;
const PLOT_LEFT = LABEL_WIDTH + 60;
const PLOT_WIDTH = WIDTH - PLOT_LEFT - 70;

const SHORT_NAMES = { floor: 'Nest floor', before: 'app before' };
const ratioText = (r) => `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`;
const colourOf = (met) =>
  met === undefined ? COLOURS.none : met ? COLOURS.met : COLOURS.missed;

/**
 * @param {{ metric: any, appRatio: number, appMet?: boolean, floorRatio?: number, beforeRatio?: number }[]} allRows
 * @param {Record<string, {p50Ms: number, p99Ms: number, skipped?: string}>} ttft
 * @param {string[]} labels
 * @param {{p50Ms: number, p99Ms: number}} ttftTargets
 */
export function renderChart(allRows, ttft, labels, ttftTargets) {
  const rows = allRows.filter(
    (r) => r.metric.chart !== false && Number.isFinite(r.appRatio),
  );
  const parts = [];
  const text = (x, y, content, attributes = '') =>
    parts.push(
      `<text x="${x.toFixed(1)}" y="${y}" ${attributes}>${escape(content)}</text>`,
    );
  const rect = (x1, x2, y, height, colour) =>
    parts.push(
      `<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x2 - x1)).toFixed(1)}" height="${height}" fill="${colour}"/>`,
    );
  const line = (x, top, bottom, colour, extra = '') =>
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${colour}" stroke-width="2" ${extra}/>`,
    );
  let y = 28;

  text(
    10,
    y,
    'Nest floor and app ÷ bare node:http baseline, same run (log scale)',
    'font-weight="bold" font-size="15"',
  );
  y += 26;
  const values = rows
    .flatMap((r) => [
      r.appRatio,
      r.floorRatio,
      r.beforeRatio,
      r.metric.target?.max,
      r.metric.target?.min,
    ])
    .filter((v) => Number.isFinite(v) && v > 0);
  // Whole powers of two either side of 1×, covering every value.
  const low = Math.min(-1, Math.floor(Math.log2(Math.min(...values))));
  const high = Math.max(1, Math.ceil(Math.log2(Math.max(...values))));
  const xOf = (ratio) =>
    PLOT_LEFT + ((Math.log2(ratio) - low) / (high - low)) * PLOT_WIDTH;
  const top = y - 12;
  for (let power = low; power <= high; power++) {
    const ratio = 2 ** power;
    text(
      xOf(ratio),
      top,
      ratio >= 1 ? `${ratio}×` : `1/${2 ** -power}`,
      `font-size="10" fill="${COLOURS.axis}" text-anchor="middle"`,
    );
  }
  const label = (ratio, barY, content, attributes) =>
    ratio < 1
      ? text(xOf(ratio) - 5, barY, content, `${attributes} text-anchor="end"`)
      : text(xOf(ratio) + 5, barY, content, attributes);
  for (const row of rows) {
    const target = row.metric.target;
    text(10, y + 13, row.metric.short, 'font-size="13"');
    // The floor's bar above the app's, thinner; the app's before the change below.
    let offset = 0;
    if (Number.isFinite(row.floorRatio)) {
      rect(xOf(1), xOf(row.floorRatio), y, 10, COLOURS.floor);
      label(
        row.floorRatio,
        y + 9,
        `Nest floor ${ratioText(row.floorRatio)}`,
        `font-size="10" fill="${COLOURS.floor}"`,
      );
      offset = 13;
    }
    rect(xOf(1), xOf(row.appRatio), y + offset, 16, colourOf(row.appMet));
    label(
      row.appRatio,
      y + offset + 13,
      `app ${ratioText(row.appRatio)}`,
      'font-size="12"',
    );
    let height = offset + 20;
    if (labels.includes('before') && Number.isFinite(row.beforeRatio)) {
      rect(xOf(1), xOf(row.beforeRatio), y + height - 1, 7, COLOURS.before);
      label(
        row.beforeRatio,
        y + height + 6,
        `before ${ratioText(row.beforeRatio)}`,
        `font-size="10" fill="${COLOURS.axis}"`,
      );
      height += 8;
    }
    if (target) {
      line(xOf(target.max ?? target.min), y - 3, y + height, COLOURS.target);
      text(
        10,
        y + 27,
        `target ${target.max !== undefined ? '≤' : '≥'} ${target.max ?? target.min}×`,
        `font-size="10" fill="${COLOURS.target}"`,
      );
    }
    y += height + 16;
  }
  line(xOf(1), top + 4, y - 8, '#263238', 'stroke-dasharray="4 3"');
  text(
    10,
    y + 6,
    '1× = the bare node:http server. Memory, time and CPU: left of it is better; throughput: right of it is better.',
    'font-size="11"',
  );
  y += 40;

  if (ttft.app || ttft.floor || ttft.baseline) {
    text(
      10,
      y,
      'Time to first token: overhead over calling the upstream directly (ms)',
      'font-weight="bold" font-size="15"',
    );
    y += 16;
    const shown = ['baseline', ...labels].filter(
      (l) => l !== 'floor' || ttft.floor,
    );
    const msValues = shown
      .flatMap((l) => [ttft[l]?.p50Ms, ttft[l]?.p99Ms])
      .filter(Number.isFinite);
    const msMax = Math.ceil(Math.max(ttftTargets.p99Ms * 2, ...msValues));
    const xMs = (value) =>
      PLOT_LEFT + (Math.max(0, Math.min(value, msMax)) / msMax) * PLOT_WIDTH;
    for (const name of shown) {
      for (const key of ['p50Ms', 'p99Ms']) {
        text(
          10,
          y + 13,
          `${SHORT_NAMES[name] ?? name} ${key.slice(0, 3)}`,
          'font-size="13"',
        );
        const entry = ttft[name];
        if (!entry || entry.skipped || !Number.isFinite(entry[key])) {
          text(
            PLOT_LEFT,
            y + 13,
            `skipped: ${entry?.skipped ?? 'not measured'}`,
            `font-size="12" fill="${COLOURS.axis}"`,
          );
        } else {
          const met =
            name === 'baseline' ? undefined : entry[key] <= ttftTargets[key];
          rect(
            xMs(0),
            xMs(entry[key]),
            y,
            16,
            name === 'floor' ? COLOURS.floor : colourOf(met),
          );
          text(
            xMs(entry[key]) + 5,
            y + 13,
            `${entry[key].toFixed(1)} ms`,
            'font-size="12"',
          );
        }
        if (name !== 'baseline')
          line(xMs(ttftTargets[key]), y - 2, y + 18, COLOURS.target);
        y += 24;
      }
    }
    text(
      10,
      y + 10,
      `targets (red): p50 ≤ ${ttftTargets.p50Ms} ms, p99 ≤ ${ttftTargets.p99Ms} ms; linear scale, 0 to ${msMax} ms`,
      `font-size="10" fill="${COLOURS.target}"`,
    );
    y += 30;
  }
  text(
    10,
    y,
    'blue: the Nest floor · green: app meets the target · orange: app misses it · grey: no target · light: the app before the change',
    `font-size="11" fill="${COLOURS.axis}"`,
  );
  y += 14;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
