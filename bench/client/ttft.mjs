// Streams run side by side, from the client's side. `slots` streams run at
// once; each slot starts a stream, waits for its end, starts the next. Each
// stream is timed from writing its request to its first content chunk, and
// gives the longest wait between two of its chunks and how many it got.
//   through   POST /server/send on the slot's own conversation, timed to the
//             first `delta` of the slot's subscription (the seed route)
//   v1        POST /v1/chat/completions with `stream: true` to the server
//   v1-whole  the same with `stream: false`, timed to the whole answer
//   direct    the same streamed POST to the upstream itself (the reference)
// A request refused with 503 (the server shedding load) is counted, not timed.
import { performance } from 'node:perf_hooks';
import {
  connect,
  PatternCounter,
  postInSequence,
  postJsonRequest,
  readResponse,
} from './raw-http.mjs';
import { hold, openMany, until, within } from './subscriptions.mjs';

const completionBody = (stream) =>
  JSON.stringify({
    model: 'fake',
    stream,
    messages: [{ role: 'user', content: 'time to first token' }],
  });
const STREAMED = completionBody(true);
const WHOLE = completionBody(false);

/**
 * @typedef {{ ttftMs: number, maxGapMs: number, chunks: number } | { refused: number }} StreamRecord
 */

/**
 * One `/v1/chat/completions` call (to the server or the upstream), read as
 * bytes: content chunks are `"content":"` not followed by `"` (the role chunk
 * has an empty content).
 * @returns {Promise<StreamRecord>}
 */
async function completionCall(port, body) {
  const socket = hold(await connect(port));
  const contents = new PatternCounter('"content":"');
  const empties = new PatternCounter('"content":""');
  const end = new PatternCounter('data: [DONE]');
  const whole = new PatternCounter('"finish_reason":"');
  const startedAt = performance.now();
  let firstAt = 0;
  let lastAt = 0;
  let maxGapMs = 0;
  let status = 0;
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    readResponse(
      socket,
      (code) => {
        status = code;
        if (code === 503) resolve(undefined);
        else if (code !== 200) reject(new Error(`answered ${code}`));
      },
      (chunk) => {
        const before = contents.count - empties.count;
        contents.feed(chunk);
        empties.feed(chunk);
        if (contents.count - empties.count > before) {
          const now = performance.now();
          if (firstAt === 0) firstAt = now;
          else maxGapMs = Math.max(maxGapMs, now - lastAt);
          lastAt = now;
        }
        end.feed(chunk);
        if (body === WHOLE) whole.feed(chunk);
        if (end.count > 0 || (body === WHOLE && whole.count > 0))
          resolve(undefined);
      },
    );
    socket.write(postJsonRequest('/v1/chat/completions', body));
  });
  socket.destroy();
  if (status === 503) return { refused: 1 };
  return {
    ttftMs: firstAt - startedAt,
    maxGapMs,
    chunks: contents.count - empties.count,
  };
}

/** The app's `Retry-After` on a 503 `overloaded` (always one second). */
const RETRY_AFTER_MS = 1_000;

/**
 * One reply through the seed route, on the slot's subscription.
 * @returns {Promise<StreamRecord>}
 */
async function throughStream(port, sub, conversationId) {
  const socket = hold(await connect(port));
  const body = JSON.stringify({
    conversationId,
    messages: [{ role: 'user', content: 'time to first token' }],
  });
  const dones = sub.dones.count;
  sub.deltaMark = sub.deltas.count;
  sub.firstDeltaAt = 0;
  sub.maxGapMs = 0;
  const startedAt = performance.now();
  const [status] = await postInSequence(socket, [
    postJsonRequest('/server/send', body),
  ]);
  if (status === 503) {
    socket.destroy();
    return { refused: 1 };
  }
  if (status !== 202) throw new Error(`POST /server/send answered ${status}`);
  await until(sub, (s) => s.dones.count > dones);
  socket.destroy();
  return {
    ttftMs: sub.firstDeltaAt - startedAt,
    maxGapMs: sub.maxGapMs,
    chunks: sub.deltas.count - sub.deltaMark,
  };
}

/**
 * @param {{ mode: 'through' | 'v1' | 'v1-whole' | 'direct', port: number, slots: number, rampMs: number,
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
  /** @type {number[]} */
  const gaps = [];
  let chunks = 0;
  let streams = 0;
  let measuredChunks = 0;
  let refused = 0;
  let concurrent = 0;
  let peak = 0;
  const origin = performance.now();
  const slot = async (i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * rampMs) / slots));
    do {
      const startedAt = performance.now() - origin;
      concurrent++;
      peak = Math.max(peak, concurrent);
      const record =
        mode === 'through'
          ? await throughStream(port, subs[i], conversation(i))
          : await completionCall(port, mode === 'v1-whole' ? WHOLE : STREAMED);
      concurrent--;
      if ('refused' in record) {
        refused++;
        // As a client honouring the app's `Retry-After: 1` would (the
        // OpenAI SDKs do). Retrying sooner measured the bench, not the app:
        // with 100 ms, 600 slots sent 6 000 refused requests a second, whose
        // answers alone kept the app saturated, so it refused every stream.
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
        continue;
      }
      chunks += record.chunks;
      streams++;
      if (startedAt >= measureFromMs) {
        latencies.push(record.ttftMs);
        gaps.push(record.maxGapMs);
        measuredChunks += record.chunks;
      }
    } while (performance.now() - origin < untilMs);
  };
  await within(
    Promise.all(Array.from({ length: slots }, (_, i) => slot(i))),
    timeoutMs,
    `ttft ${mode}`,
  );
  return { latencies, gaps, chunks, streams, measuredChunks, refused, peak };
}
