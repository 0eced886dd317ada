// Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and tells where the time
// went: the functions with the most self time, and the share of each part of
// the stack (Node internals, the app, each package).
//
//   node bench/lib/cpu-profile.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Which package, or part of Node or the app, a script URL belongs to. */
export function areaOf(url) {
  if (!url) return '(V8 / native)';
  if (url.startsWith('node:')) return 'node: core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes('/dist/')) return 'app (dist/)';
  if (url.includes('/bench/')) return 'bench';
  return url;
}

/**
 * @param {string} file
 * @returns {{ totalMs: number, top: {name: string, where: string, area: string, selfMs: number, share: number}[], areas: {area: string, selfMs: number, share: number}[] }}
 */
export function summariseProfile(file, topCount = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byArea = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    // Idle is time the process waited, not time it spent.
    if (functionName === '(idle)') continue;
    total += us;
    const short = url
      .replace(/^file:\/\/.*\/node_modules\//, '')
      .replace(/^file:\/\/.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'}|${short}:${lineNumber + 1}`;
    const entry = byFunction.get(key) ?? {
      name: functionName || '(anonymous)',
      where: url ? `${short}:${lineNumber + 1}` : '',
      area: areaOf(url),
      us: 0,
    };
    entry.us += us;
    byFunction.set(key, entry);
    const area =
      functionName === '(garbage collector)'
        ? '(garbage collector)'
        : areaOf(url);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const share = (us) => (total > 0 ? us / total : 0);
  return {
    totalMs: total / 1000,
    top: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topCount)
      .map((e) => ({
        name: e.name,
        where: e.where,
        area: e.area,
        selfMs: e.us / 1000,
        share: share(e.us),
      })),
    areas: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: us / 1000, share: share(us) })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const summary = summariseProfile(
    process.argv[2],
    Number(process.argv[3] ?? 25),
  );
  console.log(`busy ${summary.totalMs.toFixed(0)} ms\n\nby area:`);
  for (const a of summary.areas)
    console.log(`  ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.area}`);
  console.log('\ntop functions (self time):');
  for (const f of summary.top)
    console.log(
      `  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`,
    );
}
