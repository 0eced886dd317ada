// SSE subscriptions over raw sockets, and the connections the load client
// holds, which `closeAll` drops.
import { performance } from 'node:perf_hooks';
import {
  connect,
  getEventsRequest,
  PatternCounter,
  readResponse,
} from './raw-http.mjs';

/** Every open connection, so that `closeAll` can drop them. */
export const held = new Set();

/** @param {import('node:net').Socket} socket */
export function hold(socket) {
  held.add(socket);
  socket.once('close', () => held.delete(socket));
  return socket;
}

/**
 * One SSE subscription, counting its `ready`, `delta` and `done` events.
 * @param {number} port @param {string} path
 */
export async function subscribe(port, path) {
  const socket = hold(await connect(port));
  const sub = {
    socket,
    status: 0,
    ready: new PatternCounter('\nevent: ready\n'),
    deltas: new PatternCounter('\nevent: delta\n'),
    dones: new PatternCounter('\nevent: done\n'),
    /** Reads from the socket: about one per write by the server when the client keeps up. */
    reads: 0,
    /** When the first `delta` after `deltaMark` deltas came. */
    firstDeltaAt: 0,
    deltaMark: 0,
    /** The last read that brought a `delta`, and the longest wait between two since `deltaMark`. */
    lastDeltaAt: 0,
    maxGapMs: 0,
    /** @type {(() => void) | undefined} */
    onProgress: undefined,
  };
  readResponse(
    socket,
    (status) => (sub.status = status),
    (chunk) => {
      sub.reads++;
      if (sub.ready.count === 0) sub.ready.feed(chunk);
      const deltasBefore = sub.deltas.count;
      sub.deltas.feed(chunk);
      sub.dones.feed(chunk);
      if (sub.deltas.count > deltasBefore && sub.deltas.count > sub.deltaMark) {
        const now = performance.now();
        if (sub.firstDeltaAt === 0) sub.firstDeltaAt = now;
        else sub.maxGapMs = Math.max(sub.maxGapMs, now - sub.lastDeltaAt);
        sub.lastDeltaAt = now;
      }
      sub.onProgress?.();
    },
  );
  socket.write(getEventsRequest(path));
  return sub;
}

/** @template T @param {Promise<T>} promise @param {number} ms @param {string} what @returns {Promise<T>} */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: not done in ${ms} ms`)),
        ms,
      );
    }),
  ]);
}

/** Resolves when `test(sub)` holds, checked whenever the subscription gets bytes. */
export function until(sub, test) {
  return new Promise((resolve) => {
    const check = () => {
      if (!test(sub)) return;
      sub.onProgress = undefined;
      resolve(undefined);
    };
    sub.onProgress = check;
    check();
  });
}

/** Resolves when `test` holds for every subscription; each one checks only itself. */
export const untilEvery = (subs, test) =>
  Promise.all(subs.map((sub) => until(sub, test)));

/** Opens `count` subscriptions, at most `concurrency` still waiting for `ready` at a time. */
export async function openMany(port, path, count, concurrency) {
  const subs = Array.from({ length: count });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const sub = await subscribe(
        port,
        typeof path === 'function' ? path(index) : path,
      );
      await until(sub, (s) => s.ready.count > 0 || s.status >= 300);
      if (sub.status !== 200)
        throw new Error(`GET ${path} answered ${sub.status}`);
      subs[index] = sub;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, worker),
  );
  return subs;
}
