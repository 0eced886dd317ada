'use strict';
/**
 * Test instrumentation, preloaded into the app under test with
 * `NODE_OPTIONS="--expose-gc --require <this file>"` (never part of the app):
 * on SIGUSR2 it runs a full garbage collection and prints the heap still in
 * use, so that a test compares live memory across rounds without GC noise.
 */
process.on('SIGUSR2', () => {
  globalThis.gc();
  process.stdout.write(`gc-heap-used ${process.memoryUsage().heapUsed}\n`);
});
