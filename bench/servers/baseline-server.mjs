// The floor for Node: a bare `node:http` SSE broadcast server with the app's
// routes and event shapes, and none of its framework, validation, replay or
// limits. Every event is framed once and the same string is written to every
// subscriber of its conversation.
//
//   PORT=0 node bench/servers/baseline-server.mjs        (mock replies; MOCK_DELAY_MS as in the app)
//   UPSTREAM_URL=http://127.0.0.1:9/v1 node …             (OpenAI-compatible upstream)
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventIds, startReply } from '../lib/reference-replies.mjs';

const RETRY_MS = 2_000;
const HEARTBEAT_MS = 15_000;
const BODY_LIMIT = 1024 * 1024;
const replySource = {
  upstreamUrl: process.env.UPSTREAM_URL,
  /** Pause before each delta of a mock reply, as the app's MOCK_DELAY_MS. */
  mockDelayMs: Number(process.env.MOCK_DELAY_MS ?? 0),
};

/** @type {Map<string, Set<http.ServerResponse>>} */
const channels = new Map();
const ids = new EventIds();

/**
 * One SSE frame, laid out as Nest lays it out (`event`, `id`, `retry`, `data`).
 * @param {string | undefined} type
 * @param {string} data
 * @param {string} id
 * @param {number} [retry]
 */
function frame(type, data, id, retry) {
  let text = type ? `event: ${type}\n` : '';
  text += `id: ${id}\n`;
  if (retry !== undefined) text += `retry: ${retry}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return text + '\n';
}

/**
 * @param {string} conversationId
 * @param {string | undefined} type
 * @param {string} data
 */
function broadcast(conversationId, type, data) {
  const text = frame(type, data, ids.next());
  const subscribers = channels.get(conversationId);
  if (!subscribers) return;
  for (const response of subscribers) response.write(text);
}

/** @param {http.IncomingMessage} request @param {http.ServerResponse} response */
function send(request, response) {
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > BODY_LIMIT) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(response, 400, {
        statusCode: 400,
        code: 'validation_failed',
      });
    }
    const conversationId = body.conversationId ?? 'default';
    const messageId = randomUUID();
    json(response, 202, { conversationId, messageId });
    startReply(replySource, messageId, body.messages, (type, data) =>
      broadcast(conversationId, type, data),
    );
  });
}

/** @param {http.ServerResponse} response @param {number} status @param {object} value */
function json(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** @param {http.IncomingMessage} request @param {http.ServerResponse} response @param {URL} url */
function events(request, response, url) {
  const conversationId = url.searchParams.get('conversationId') ?? 'default';
  request.socket.setNoDelay(true);
  request.socket.setKeepAlive(true);
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.write(
    frame('ready', JSON.stringify({ conversationId }), ids.last, RETRY_MS),
  );
  let subscribers = channels.get(conversationId);
  if (!subscribers) channels.set(conversationId, (subscribers = new Set()));
  subscribers.add(response);
  response.on('close', () => {
    subscribers.delete(response);
    if (subscribers.size === 0 && channels.get(conversationId) === subscribers)
      channels.delete(conversationId);
  });
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'POST' && url.pathname === '/server/send')
    return send(request, response);
  if (request.method === 'GET' && url.pathname === '/server/events')
    return events(request, response, url);
  json(response, 404, { statusCode: 404, code: 'not_found' });
});

const ping = ': ping\n\n';
setInterval(() => {
  for (const subscribers of channels.values())
    for (const response of subscribers) response.write(ping);
}, HEARTBEAT_MS).unref();

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
