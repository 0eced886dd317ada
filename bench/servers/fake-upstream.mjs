// A minimal OpenAI-compatible upstream for the time-to-first-token workload:
// `POST /v1/chat/completions` answers with an event stream whose first content
// chunk comes FIRST_TOKEN_MS after the request, the next ones every
// TOKEN_INTERVAL_MS (as a model types), then `data: [DONE]`. The pause after
// the first chunk keeps the rest of a reply out of the first token's way.
// REPLY_WORDS (at most 40, the default) shortens every reply.
// `GET /v1/models` lists the one model.
//
//   PORT=0 FIRST_TOKEN_MS=50 TOKEN_INTERVAL_MS=10 node bench/servers/fake-upstream.mjs
import http from 'node:http';

const FIRST_TOKEN_MS = Number(process.env.FIRST_TOKEN_MS ?? 50);
const TOKEN_INTERVAL_MS = Number(process.env.TOKEN_INTERVAL_MS ?? 10);
// Forty words: with TOKEN_INTERVAL_MS = 50, a reply streams for two seconds.
const WORDS = (
  'This is the fake upstream answering with a fixed reply of forty words, streamed as one chunk per word. ' +
  'It types at a steady pace, like a model would, so that many replies are under way at the same time.'
)
  .split(/(?= )/)
  .slice(0, Number(process.env.REPLY_WORDS ?? 40));

/** @param {string} id @param {object} delta @param {string | null} finishReason */
function chunk(id, delta, finishReason) {
  return `data: ${JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: 'fake',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })}\n\n`;
}

let served = 0;

/** @param {http.IncomingMessage} request @param {http.ServerResponse} response */
function completions(request, response) {
  const id = `chatcmpl-${++served}`;
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    let sent = 0;
    const next = () => {
      if (sent < WORDS.length) {
        const delta =
          sent === 0
            ? { role: 'assistant', content: WORDS[0] }
            : { content: WORDS[sent] };
        response.write(chunk(id, delta, null));
        sent++;
        timer = setTimeout(next, TOKEN_INTERVAL_MS);
      } else {
        response.end(`${chunk(id, {}, 'stop')}data: [DONE]\n\n`);
      }
    };
    let timer = setTimeout(next, FIRST_TOKEN_MS);
    response.on('close', () => clearTimeout(timer));
  });
}

const server = http.createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method === 'POST' && path === '/v1/chat/completions')
    return completions(request, response);
  if (request.method === 'GET' && path === '/v1/models') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end(
      JSON.stringify({
        object: 'list',
        data: [{ id: 'fake', object: 'model' }],
      }),
    );
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message: 'not found' } }));
});
server.keepAliveTimeout = 60_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
