// The pipe proxy: the least a gateway in front of an OpenAI-compatible
// upstream can do in Node. `POST /v1/chat/completions` is sent on to
// UPSTREAM_URL (up to `/v1`) through a kept-alive `node:http` agent, and the
// upstream's status, headers and bytes are piped back untouched: no parsing,
// no validation, no reframing. The reference for the `/v1` workloads and for
// capacity.
//
//   PORT=0 UPSTREAM_URL=http://127.0.0.1:8081/v1 node bench/servers/pipe-proxy.mjs
import http from 'node:http';

const upstream = new URL(
  `${(process.env.UPSTREAM_URL ?? '').replace(/\/+$/, '')}/chat/completions`,
);
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    response.writeHead(404, { 'content-type': 'application/json' });
    return response.end('{"error":{"message":"not found"}}');
  }
  const forward = http.request(
    upstream,
    {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        ...(request.headers['content-length']
          ? { 'content-length': request.headers['content-length'] }
          : {}),
      },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  forward.on('error', () => response.destroy());
  response.on('close', () => forward.destroy());
  request.pipe(forward);
});
server.keepAliveTimeout = 60_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
