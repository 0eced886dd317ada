import { fileURLToPath } from 'node:url';
import type { AppProcess } from './app-process.js';
import { eventually } from './sse-client.js';

/** Give the app this `NODE_OPTIONS` to let `liveHeapMb` read its heap. */
export const GC_ON_SIGNAL_OPTIONS = `--expose-gc --require ${fileURLToPath(
  new URL('./gc-on-signal.cjs', import.meta.url),
)}`;

/** The heap in use after a full GC, in MB (see support/gc-on-signal.cjs). */
export async function liveHeapMb(app: AppProcess): Promise<number> {
  const pattern = /gc-heap-used (\d+)/g;
  const before = [...app.output().matchAll(pattern)].length;
  app.child.kill('SIGUSR2');
  let bytes = 0;
  await eventually(
    () => {
      const reports = [...app.output().matchAll(pattern)];
      if (reports.length === before) return false;
      bytes = Number(reports.at(-1)![1]);
      return true;
    },
    10_000,
    'the heap report',
  );
  return bytes / 1024 / 1024;
}
