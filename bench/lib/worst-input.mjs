// The worst-input workload: the hostile inputs of issue #24 (and the largest
// ones the JSON budget lets through), each posted on its own to a fresh app,
// and the longest event-loop block each caused, as the app measures it
// itself: `nodejs_eventloop_lag_max_seconds`, prom-client's default metric
// from `monitorEventLoopDelay` (10 ms resolution), reset at every scrape of
// /metrics. Target: no single request blocks the loop longer than 50 ms.

/** An object of `count` keys. */
const wide = (count) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

/**
 * A JSON schema nested `depth` levels through `properties`, as text: too
 * deep for `JSON.stringify` (and for class-transformer, which is the point).
 */
const deepSchemaText = (depth) =>
  '{"type":"object","properties":{"a":'.repeat(depth) +
  '{"type":"string"}' +
  '}}'.repeat(depth);

const user = [{ role: 'user', content: 'hi' }];

/** Each input: the route and the body, built once (bodies up to the 1 MB limit). */
export function worstInputs() {
  return [
    {
      name: 'tool parameters of 60 000 keys',
      path: '/v1/chat/completions',
      body: {
        model: 'any',
        messages: user,
        tools: [
          {
            type: 'function',
            function: { name: 'f', parameters: wide(60_000) },
          },
        ],
      },
    },
    {
      name: 'json_schema of 60 000 keys',
      path: '/v1/chat/completions',
      body: {
        model: 'any',
        messages: user,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 's',
            schema: { type: 'object', properties: wide(60_000) },
          },
        },
      },
    },
    {
      name: '70 000 invalid messages',
      path: '/server/send',
      body: { messages: Array.from({ length: 70_000 }, () => ({ role: 'x' })) },
    },
    {
      // The most the default budget lets through to validation: 9 tools of
      // 1 000 keys (9 000 values of 10 000) ...
      name: 'budget-full tools (9 × 1 000 keys)',
      path: '/v1/chat/completions',
      body: {
        model: 'any',
        messages: user,
        tools: Array.from({ length: 9 }, (_, i) => ({
          type: 'function',
          function: { name: `f${i}`, parameters: wide(1_000) },
        })),
      },
    },
    {
      // ... and 1 000 messages (the array limit), each invalid.
      name: 'budget-full messages (1 000 invalid)',
      path: '/server/send',
      body: { messages: Array.from({ length: 1_000 }, () => ({ role: 'x' })) },
    },
  ]
    .map((input) => ({
      name: input.name,
      path: input.path,
      text: JSON.stringify(input.body),
    }))
    .concat({
      name: 'json_schema nested 20 000 levels',
      path: '/v1/chat/completions',
      text: `{"model":"any","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${deepSchemaText(20_000)}}}}`,
    });
}

/** The longest event-loop block since the last scrape (ms); the scrape resets it. */
async function maxBlockMs(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  if (!line) throw new Error('no nodejs_eventloop_lag_max_seconds in /metrics');
  return Number(line[1]) * 1000;
}

/**
 * @param {() => Promise<import('./targets.mjs').Server>} start
 * @param {{ repeats: number }} settings
 */
export async function worstInput(start, { repeats }) {
  const server = await start();
  try {
    const figures = {};
    for (const input of worstInputs()) {
      let worst = 0;
      let status = 0;
      let answerBytes = 0;
      for (let i = 0; i < repeats; i++) {
        await maxBlockMs(server.port);
        const answer = await fetch(
          `http://127.0.0.1:${server.port}${input.path}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: input.text,
          },
        );
        const body = await answer.arrayBuffer();
        status = answer.status;
        answerBytes = Math.max(answerBytes, body.byteLength);
        worst = Math.max(worst, await maxBlockMs(server.port));
      }
      figures[input.name] = {
        bodyBytes: input.text.length,
        status,
        answerBytes,
        maxBlockMs: Math.round(worst * 10) / 10,
      };
    }
    return figures;
  } finally {
    await server.stop();
  }
}
