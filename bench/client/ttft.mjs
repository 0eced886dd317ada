// Time to first token, from the client's side. `slots` streams run side by
// side; each slot starts a stream, waits for its end, starts the next. In
// `through` mode a stream is a POST to the server under test, timed from
// writing it to the first `delta` on the slot's own conversation; in `direct`
// mode it is a POST to the upstream itself, timed to its first chunk.
import { performance } from 'node:perf_hooks';
import {
  connect,
  PatternCounter,
  postInSequence,
  postJsonRequest,
  readResponse,
} from './raw-http.mjs';
import { hold, openMany, until, within } from './subscriptions.mjs';

const UPSTREAM_BODY = JSON.stringify({
  model: 'fake',
  stream: true,
  messages: [{ role: 'user', content: 'time to first token' }],
});

/** One stream straight to the upstream: ms to its first chunk, once it has ended. */
async function directStream(port) {
  const socket = hold(await connect(port));
  const chunks = new PatternCounter('data: {');
  const end = new PatternCounter('data: [DONE]');
  const startedAt = performance.now();
  let firstAt = 0;
  await new Promise((resolve, reject) => {
    readResponse(
      socket,
      (status) =>
        status !== 200 && reject(new Error(`upstream answered ${status}`)),
      (chunk) => {
        chunks.feed(chunk);
        if (firstAt === 0 && chunks.count > 0) firstAt = performance.now();
        end.feed(chunk);
        if (end.count > 0) resolve(undefined);
      },
    );
    socket.write(postJsonRequest('/v1/chat/completions', UPSTREAM_BODY));
  });
  socket.destroy();
  return firstAt - startedAt;
}

/** One reply through the server, on the slot's subscription: ms to its first `delta`. */
async function throughStream(port, sub, conversationId) {
  const socket = hold(await connect(port));
  const body = JSON.stringify({
    conversationId,
    messages: [{ role: 'user', content: 'time to first token' }],
  });
  const dones = sub.dones.count;
  sub.deltaMark = sub.deltas.count;
  sub.firstDeltaAt = 0;
  const startedAt = performance.now();
  const [[status]] = await Promise.all([
    postInSequence(socket, [postJsonRequest('/server/send', body)]),
    until(sub, (s) => s.dones.count > dones),
  ]);
  socket.destroy();
  if (status !== 202) throw new Error(`POST /server/send answered ${status}`);
  return sub.firstDeltaAt - startedAt;
}

/**
 * @param {{ mode: 'through' | 'direct', port: number, slots: number, rampMs: number,
 *   measureFromMs: number, untilMs: number, tag: string, timeoutMs: number }} options
 *   Slot i starts at i × rampMs / slots; streams that start before measureFromMs
 *   only warm up; no stream starts after untilMs. `untilMs` 0 runs one stream per slot.
 */
export async function measureTtft({
  mode,
  port,
  slots,
  rampMs,
  measureFromMs,
  untilMs,
  tag,
  timeoutMs,
}) {
  const conversation = (i) => `${tag}-${i}`;
  const subs =
    mode === 'through'
      ? await within(
          openMany(
            port,
            (i) => `/server/events?conversationId=${conversation(i)}`,
            slots,
            100,
          ),
          timeoutMs,
          'ttft subscribe',
        )
      : [];
  /** @type {number[]} */
  const latencies = [];
  let concurrent = 0;
  let peak = 0;
  const origin = performance.now();
  const slot = async (i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * rampMs) / slots));
    do {
      const startedAt = performance.now() - origin;
      concurrent++;
      peak = Math.max(peak, concurrent);
      const latency =
        mode === 'through'
          ? await throughStream(port, subs[i], conversation(i))
          : await directStream(port);
      concurrent--;
      if (startedAt >= measureFromMs) latencies.push(latency);
    } while (performance.now() - origin < untilMs);
  };
  await within(
    Promise.all(Array.from({ length: slots }, (_, i) => slot(i))),
    timeoutMs,
    `ttft ${mode}`,
  );
  return { latencies, peak };
}
