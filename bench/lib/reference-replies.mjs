// What the two reference servers (the bare baseline and the Nest floor) share:
// event ids in the app's shape and the events of a reply, from the app's mock
// model or from an OpenAI-compatible upstream. Each server only decides how an
// event reaches its subscribers, which is what the bench compares.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { mockReply, splitIntoDeltas, usageOf } from './mock-reply.mjs';

/** Event ids in the app's `<ms>-<seq>` shape (Redis stream ids). */
export class EventIds {
  #lastMs = 0;
  #seq = 0;
  /** The id of the latest event, which a new subscriber's `ready` carries. */
  last = '0-0';

  next() {
    const now = Date.now();
    if (now > this.#lastMs) {
      this.#lastMs = now;
      this.#seq = 0;
    } else {
      this.#seq++;
    }
    this.last = `${this.#lastMs}-${this.#seq}`;
    return this.last;
  }
}

/**
 * Sends one event of a reply: its SSE type (none for the unnamed full-text
 * message) and its data, serialised already.
 * @typedef {(type: string | undefined, data: string) => void} Emit
 */

/**
 * Starts a reply in the background: `delta` events, then `done` and the
 * unnamed message with the full text (or one `error` event when the upstream
 * cannot be reached). Mock replies start on the next turn of the event loop,
 * after the 202 is out, as the app's do.
 * @param {{ upstreamUrl?: string, mockDelayMs: number }} source
 * @param {string} messageId
 * @param {{role: string, content: string}[]} messages
 * @param {Emit} emit
 */
export function startReply(source, messageId, messages, emit) {
  if (source.upstreamUrl)
    streamUpstream(source.upstreamUrl, messageId, messages, emit);
  else setImmediate(streamMock, source.mockDelayMs, messageId, messages, emit);
}

/** @param {Emit} emit @param {string} messageId @param {string} text @param {object} [usage] */
function finish(emit, messageId, text, usage) {
  emit(
    'done',
    JSON.stringify({ messageId, text, finishReason: 'stop', usage }),
  );
  emit(undefined, text);
}

/** @param {number} mockDelayMs @param {string} messageId @param {{role: string, content: string}[]} messages @param {Emit} emit */
async function streamMock(mockDelayMs, messageId, messages, emit) {
  const reply = mockReply(messages);
  for (const piece of splitIntoDeltas(reply)) {
    if (mockDelayMs > 0) await sleep(mockDelayMs);
    emit('delta', JSON.stringify({ messageId, text: piece }));
  }
  finish(emit, messageId, reply, usageOf(messages, reply));
}

const upstreamAgent = new http.Agent({ keepAlive: true });

/**
 * Streams a reply from an OpenAI-compatible upstream, one delta per content
 * chunk, read by hand: the reference servers take no SDK's cost.
 * @param {string} upstreamUrl @param {string} messageId @param {{role: string, content: string}[]} messages @param {Emit} emit
 */
function streamUpstream(upstreamUrl, messageId, messages, emit) {
  const body = JSON.stringify({ model: 'fake', stream: true, messages });
  const request = http.request(`${upstreamUrl}/chat/completions`, {
    method: 'POST',
    agent: upstreamAgent,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: 'Bearer bench',
    },
  });
  request.on('response', (response) => {
    let pending = '';
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end).trim();
        pending = pending.slice(end + 1);
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
        const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
        if (!content) continue;
        text += content;
        emit('delta', JSON.stringify({ messageId, text: content }));
      }
    });
    response.on('end', () => finish(emit, messageId, text));
  });
  request.on('error', (error) => {
    emit(
      'error',
      JSON.stringify({
        messageId,
        code: 'upstream_unavailable',
        message: String(error),
      }),
    );
  });
  request.end(body);
}
