// Splits the CPU of a request workload's profile (`node --cpu-prof`) by layer
// of the HTTP pipeline: each sample goes to the innermost frame on its stack
// that belongs to a known layer (middleware call one another through `next`,
// so the innermost one is the one working). Samples before the first request
// (start-up) are left out. With the server's measured CPU per request, the
// shares are turned into µs per request (the profile's own clock also counts
// time the process spent descheduled on a busy machine).
//
//   node bench/lib/request-layers.mjs <file.cpuprofile> <requests> [cpuUsPerRequest]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = (names) => new RegExp(`/node_modules/(${names})/`);
const app = (path) => new RegExp(`/dist/${path}`);
export const LAYERS = [
  [
    'body parsing',
    pkg(
      'body-parser|raw-body|iconv-lite|type-is|content-type|media-typer|bytes|unpipe',
    ),
  ],
  ['helmet', pkg('helmet')],
  ['cors', pkg('cors|vary|object-assign')],
  ['http set-up (configure-http)', app('bootstrap/configure-http')],
  ['Host allow-list', app('bootstrap/allowed-hosts')],
  ['JSON-only check', app('common/http/require-json')],
  [
    'logging (pino-http, nestjs-pino)',
    pkg(
      'pino-http|pino|pino-std-serializers|nestjs-pino|@pinojs/redact|sonic-boom',
    ),
  ],
  ['metrics', /\/dist\/metrics\/|\/node_modules\/prom-client\//],
  ['API-key guard', app('access/(api-key\\.guard|.*auth-failure)')],
  [
    'throttler',
    /\/node_modules\/@nestjs\/throttler\/|\/dist\/access\/(api-throttler|.*throttler-storage)/,
  ],
  [
    'validation',
    /validation\.pipe\.js|strip-proto-keys|close-array-gaps|\/node_modules\/(class-validator|class-transformer|validator)\/|\/dist\/common\/validation\//,
  ],
  ['request policy', app('request-policy/')],
  ['ownership', app('chat/conversation-access')],
  ['reply: LLM service, router, provider', app('llm/')],
  ['reply: generation runner, leases', app('chat/generation-')],
  ['reply: bus, events', app('bus/')],
  [
    'send / complete (services)',
    app('(chat/chat\\.service|conversations/|openai-api/)'),
  ],
  [
    'Nest core',
    pkg(
      '@nestjs/core|@nestjs/common|@nestjs/platform-express|rxjs|iterare|reflect-metadata',
    ),
  ],
  [
    'Express and its router (with the socket write)',
    pkg(
      'express|router|finalhandler|parseurl|path-to-regexp|etag|fresh|proxy-addr|forwarded|ipaddr\\.js|on-finished|ee-first|encodeurl|depd|debug|accepts|negotiator|mime-types|mime-db|qs|statuses|http-errors',
    ),
  ],
  ['app, other', /\/dist\//],
];

export function requestLayers(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const layerOf = new Map();
  const classify = (id) => {
    if (layerOf.has(id)) return layerOf.get(id);
    let layer;
    for (let at = id; at !== undefined && !layer; at = parent.get(at)) {
      const url = nodes.get(at).callFrame.url;
      layer = LAYERS.find(([, pattern]) => pattern.test(url))?.[0];
    }
    if (!layer) {
      const { functionName, url } = nodes.get(id).callFrame;
      layer = functionName.startsWith('(')
        ? functionName
        : url.startsWith('node:')
          ? 'Node core (http, streams, timers)'
          : `native (${functionName})`;
    }
    layerOf.set(id, layer);
    return layer;
  };
  const inRequest = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at))
      if (nodes.get(at).callFrame.functionName === 'jsonParser') return true;
    return false;
  };
  let first = 0;
  while (first < profile.samples.length && !inRequest(profile.samples[first]))
    first++;
  const byLayer = new Map();
  let totalUs = 0;
  for (let i = first; i < profile.samples.length; i++) {
    const layer = classify(profile.samples[i]);
    if (layer === '(idle)') continue;
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
  }
  return { totalUs, byLayer };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, requests, cpuUsPerRequest] = process.argv.slice(2);
  const { totalUs, byLayer } = requestLayers(file);
  const scale = cpuUsPerRequest
    ? Number(cpuUsPerRequest) / (totalUs / Number(requests))
    : 1;
  console.log(`busy ${(totalUs / 1000).toFixed(0)} ms after the first request`);
  for (const [layer, us] of [...byLayer].sort((a, b) => b[1] - a[1])) {
    if (us / totalUs < 0.001) continue;
    const perRequest = (scale * us) / Number(requests);
    console.log(
      `${perRequest.toFixed(1).padStart(7)} µs ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${layer}`,
    );
  }
}
