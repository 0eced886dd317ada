// Preloaded into every server under test (`--import`), never part of the app:
// answers the bench over the IPC channel with its memory after a full GC and
// its CPU time, and writes heap snapshots on request.
import { writeHeapSnapshot } from 'node:v8';

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function collect() {
  if (typeof globalThis.gc !== 'function') return;
  // Twice, with a turn between: the first pass runs finalizers and weak
  // callbacks whose objects the second one frees.
  globalThis.gc();
  await settle();
  globalThis.gc();
}

if (process.send) {
  process.on('message', async (message) => {
    if (!message || typeof message.probe !== 'string') return;
    if (message.probe === 'sample') {
      if (message.gc) await collect();
      process.send?.({
        probe: 'sample',
        id: message.id,
        memory: process.memoryUsage(),
        cpu: process.cpuUsage(),
        gcExposed: typeof globalThis.gc === 'function',
      });
    } else if (message.probe === 'heap') {
      await collect();
      const file = writeHeapSnapshot(message.file);
      process.send?.({ probe: 'heap', id: message.id, file });
    }
  });
  // The channel must not keep a server alive once it is asked to stop.
  process.channel?.unref();
}
