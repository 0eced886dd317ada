import type { RawRequest } from './raw-request.js';

/**
 * One invalid request and the answer it must get: a 4xx JSON error with
 * `code` that names `field` (`details.errors[].field` in the gateway's error
 * format, `error.param` in OpenAI's).
 */
export interface BadInputRow {
  name: string;
  request: RawRequest;
  status: number;
  code: string;
  field: string;
}

/** The rows of one route; a new route adds an entry to `BAD_INPUT`. */
export interface BadInputRoute {
  errorFormat: 'gateway' | 'openai';
  rows: BadInputRow[];
}

type Rows = BadInputRow[];
const JSON_TYPE = { 'Content-Type': 'application/json' };
const TWO_MB = 2 * 1024 * 1024;
const USER = { role: 'user', content: 'hello' };
const INVALID = 'validation_failed';

/** A POST of a JSON value (or of raw text, sent as given). */
function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = JSON_TYPE,
): RawRequest {
  return {
    method: 'POST',
    path,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const row = (
  name: string,
  request: RawRequest,
  status: number,
  code: string,
  field: string,
): BadInputRow => ({ name, request, status, code, field });
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const twoMegabytes = (valid: object) =>
  JSON.stringify({ ...valid, padding: 'x'.repeat(TWO_MB) });
/** JSON text with an own `__proto__` field, which an object literal cannot express. */
const withProto = (valid: object) =>
  JSON.stringify({ polluted: 'marker', ...valid }).replace(
    '"polluted"',
    '"__proto__"',
  );

/**
 * What every route that reads a JSON body must refuse, whatever its fields.
 * Routes that refuse unknown fields also refuse the three that
 * class-transformer or Nest's pipe would drop without a word.
 */
// prettier-ignore
function jsonBodyRows(path: string, valid: object, refusesUnknownFields = true): Rows {
  const text = JSON.stringify(valid);
  const rows = [
    row('malformed JSON', post(path, '{"messages": ['), 400, 'invalid_json', 'body'),
    row('JSON with a trailing comma', post(path, '{"a":1,}'), 400, 'invalid_json', 'body'),
    row('a JSON string as the body', post(path, '"hello"'), 400, 'invalid_json', 'body'),
    row('null as the body', post(path, 'null'), 400, 'invalid_json', 'body'),
    row('text/plain', post(path, text, { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type', 'Content-Type'),
    row('a form', post(path, 'messages=hi', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', 'Content-Type'),
    row('a body without a content type', post(path, text, {}), 415, 'unsupported_media_type', 'Content-Type'),
    row('a charset other than UTF-8', post(path, text, { 'Content-Type': 'application/json; charset=latin1' }), 415, 'unsupported_charset', 'Content-Type'),
    row('an unknown content encoding', post(path, text, { ...JSON_TYPE, 'Content-Encoding': 'compress' }), 415, 'unsupported_encoding', 'Content-Encoding'),
    row('a 2 MB body', post(path, twoMegabytes(valid)), 413, 'payload_too_large', 'body'),
    row('a 2 MB chunked body (no length)', { ...post(path, twoMegabytes(valid)), chunked: true }, 413, 'payload_too_large', 'body'),
    row('100 000 nested brackets', post(path, `{"messages":${nested(100_000)}}`), 400, INVALID, 'messages'),
  ];
  if (!refusesUnknownFields) return rows;
  return [
    ...rows,
    row('a field named __proto__', post(path, withProto(valid)), 400, INVALID, '__proto__'),
    row('a field named constructor', post(path, { ...valid, constructor: { prototype: { polluted: true } } }), 400, INVALID, 'constructor'),
    row('a field named prototype', post(path, { ...valid, prototype: { polluted: true } }), 400, INVALID, 'prototype'),
  ];
}

/** Conversation ids that must be refused wherever one is accepted (URL-encoded). */
const BAD_IDS: [string, string][] = [
  ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['a backslash path', '..%5C..%5Cwindows'],
  ['1 000 characters', 'a'.repeat(1000)],
  ['129 characters', 'a'.repeat(129)],
  ['non-ASCII letters', 'caf%C3%A9'],
  ['an emoji', '%F0%9F%98%80'],
  ['a NUL byte', 'a%00b'],
  ['a space', 'a%20b'],
  ['a dot', 'a.b'],
];

function conversationPathRows(method: string, suffix = ''): Rows {
  const request = (id: string): RawRequest => ({
    method,
    path: `/server/conversations/${id}${suffix}`,
    ...(method === 'POST' ? { headers: JSON_TYPE, body: '{}' } : {}),
    // Without it a bodiless DELETE is refused before its id is looked at.
    ...(method === 'DELETE' ? { headers: { 'X-Requested-With': 'test' } } : {}),
  });
  return [
    ...BAD_IDS.map(([name, id]) =>
      row(
        `conversation id: ${name}`,
        request(id),
        400,
        INVALID,
        'conversationId',
      ),
    ),
    row(
      'a path that is not valid percent-encoding',
      request('%E0%A4%A'),
      400,
      INVALID,
      'path',
    ),
  ];
}

/** Rows on `messages` and their content, for both chat APIs. */
// prettier-ignore
function messagesRows(path: string, base: object): Rows {
  const invalid = (name: string, body: object, field: string) => row(name, post(path, { ...base, ...body }), 400, INVALID, field);
  const content = (value: unknown) => ({ messages: [{ role: 'user', content: value }] });
  const role = (value: unknown) => ({ messages: [{ role: value, content: 'hello' }] });
  return [
    invalid('messages missing', {}, 'messages'),
    invalid('messages empty', { messages: [] }, 'messages'),
    invalid('messages a string', { messages: 'hello' }, 'messages'),
    invalid('messages an object', { messages: { 0: USER } }, 'messages'),
    invalid('messages null', { messages: null }, 'messages'),
    invalid('messages of 10 000 entries', { messages: Array(10_000).fill(USER) }, 'messages'),
    invalid('a message that is a string', { messages: ['hello'] }, 'messages.0'),
    invalid('a message that is null', { messages: [null] }, 'messages.0'),
    invalid('role missing', { messages: [{ content: 'hello' }] }, 'messages.0.role'),
    invalid('role unknown', role('robot'), 'messages.0.role'),
    invalid('role in capitals', role('USER'), 'messages.0.role'),
    invalid('role a number', role(1), 'messages.0.role'),
    invalid('content missing', { messages: [{ role: 'user' }] }, 'messages.0.content'),
    invalid('content a number', content(42), 'messages.0.content'),
    invalid('content an object', content({ text: 'hello' }), 'messages.0.content'),
    invalid('content null', content(null), 'messages.0.content'),
    invalid('content empty', content(''), 'messages.0.content'),
    invalid('content over MAX_MESSAGE_CHARS', content('x'.repeat(20_001)), 'messages.0.content'),
    invalid('content with a lone high surrogate', content('a\uD83Db'), 'messages.0.content'),
    invalid('content with a lone low surrogate', content('a\uDE00b'), 'messages.0.content'),
    invalid('content with a reversed surrogate pair', content('\uDE00\uD83D'), 'messages.0.content'),
    invalid('content with a NUL byte', content('a\u0000b'), 'messages.0.content'),
    invalid('an earlier message with a lone surrogate', { messages: [{ role: 'assistant', content: '\uD800' }, USER] }, 'messages.0.content'),
  ];
}

// prettier-ignore
function sendRows(): Rows {
  const path = '/server/send';
  const invalid = (name: string, body: unknown, field: string) => row(name, post(path, body), 400, INVALID, field);
  const withId = (conversationId: unknown) => ({ conversationId, messages: [USER] });
  return [
    ...jsonBodyRows(path, { messages: [USER] }),
    ...messagesRows(path, {}),
    row('an empty body', { method: 'POST', path, headers: JSON_TYPE }, 400, INVALID, 'messages'),
    invalid('role system', { messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'),
    invalid('role function', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages.0.role'),
    // Tool turns are taken (issue #25): a result must still name and answer a call.
    invalid('a tool message without tool_call_id', { messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.tool_call_id'),
    invalid('a tool result answering no call', { messages: [USER, { role: 'tool', tool_call_id: 'c1', content: 'x' }] }, 'messages.1.tool_call_id'),
    invalid('a tool result answering no call of a stored conversation', { conversationId: 'c_bad_tool', messages: [{ role: 'tool', tool_call_id: 'c1', content: 'x' }] }, 'messages.0.tool_call_id'),
    invalid('temperature above 2', { messages: [USER], temperature: 3 }, 'temperature'),
    invalid('stop of 5 sequences', { messages: [USER], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'),
    invalid('n above 1', { messages: [USER], n: 2 }, 'n'),
    invalid('content an array', { messages: [{ role: 'user', content: ['hello'] }] }, 'messages.0.content'),
    invalid('content only whitespace', { messages: [{ role: 'user', content: ' \n\t\u3000' }] }, 'messages.0.content'),
    invalid('last message from the assistant', { messages: [USER, { role: 'assistant', content: 'hi' }] }, 'messages.1.role'),
    invalid('an unknown field', { messages: [USER], modle: 'gpt-4o' }, 'modle'),
    row('a model not served', post(path, { messages: [USER], model: 'gpt-4o' }), 404, 'model_not_found', 'model'),
    invalid('an unknown field in a message', { messages: [{ ...USER, name: 'x' }] }, 'messages.0.name'),
    invalid('__proto__ in a message', JSON.parse('{"messages":[{"role":"user","content":"x","__proto__":{}}]}'), 'messages.0.__proto__'),
    invalid('conversationId a path traversal', withId('../../etc/passwd'), 'conversationId'),
    invalid('conversationId of 1 000 characters', withId('a'.repeat(1000)), 'conversationId'),
    invalid('conversationId non-ASCII', withId('café'), 'conversationId'),
    invalid('conversationId an emoji', withId('😀'), 'conversationId'),
    invalid('conversationId empty', withId(''), 'conversationId'),
    invalid('conversationId a number', withId(42), 'conversationId'),
    invalid('conversationId an array', withId(['a']), 'conversationId'),
  ];
}

// prettier-ignore
function eventsRows(): Rows {
  const get = (name: string, query: string, field: string, headers: Record<string, string> = {}) =>
    row(name, { method: 'GET', path: `/server/events${query}`, headers: { Accept: 'text/event-stream', ...headers } }, 400, INVALID, field);
  const lastEventId = (name: string, value: string) => get(`Last-Event-ID ${name}`, '', 'Last-Event-ID', { 'Last-Event-ID': value });
  return [
    ...BAD_IDS.map(([name, id]) => get(`conversationId: ${name}`, `?conversationId=${id}`, 'conversationId')),
    get('conversationId empty', '?conversationId=', 'conversationId'),
    get('conversationId twice', '?conversationId=a&conversationId=b', 'conversationId'),
    get('lastEventId not an id', '?lastEventId=abc', 'lastEventId'),
    get('lastEventId with three parts', '?lastEventId=1-2-3', 'lastEventId'),
    get('lastEventId negative', '?lastEventId=-1-2', 'lastEventId'),
    get('lastEventId of 1 000 digits', `?lastEventId=${'9'.repeat(1000)}-1`, 'lastEventId'),
    lastEventId('not an id', 'abc'),
    lastEventId('with three parts', '1-2-3'),
    lastEventId('of 1 000 digits', `${'9'.repeat(1000)}-1`),
    lastEventId('with trailing text', '1764131282000-3; drop'),
    lastEventId('with Latin-1 bytes', 'caf\u00e9-1'),
    get('an unknown query parameter', '?foo=bar', 'foo'),
    get('a bracketed query parameter', '?conversationId[a]=b', 'conversationId[a]'),
    get('a query parameter named __proto__', '?__proto__=x', '__proto__'),
    get('a query parameter named prototype', '?prototype=x', 'prototype'),
    row('a 20 KB query string', { method: 'GET', path: `/server/events?conversationId=${'a'.repeat(20_000)}` }, 431, 'headers_too_large', 'headers'),
    row('a 20 KB Last-Event-ID', { method: 'GET', path: '/server/events', headers: { 'Last-Event-ID': '1'.repeat(20_000) } }, 431, 'headers_too_large', 'headers'),
  ];
}

// prettier-ignore
function cancelRows(): Rows {
  const path = '/server/conversations/c1/cancel';
  const invalid = (name: string, body: unknown, field: string) => row(name, post(path, body), 400, INVALID, field);
  return [
    ...jsonBodyRows(path, {}),
    ...conversationPathRows('POST', '/cancel'),
    invalid('messageId not a UUID', { messageId: 'nope' }, 'messageId'),
    invalid('messageId of 1 000 characters', { messageId: 'a'.repeat(1000) }, 'messageId'),
    invalid('messageId a number', { messageId: 42 }, 'messageId'),
    invalid('messageId empty', { messageId: '' }, 'messageId'),
    invalid('an unknown field', { reason: 'x' }, 'reason'),
  ];
}

/**
 * OpenAI clients send fields this server does not use: those are dropped, not
 * refused. OpenAI's own parameters are checked as OpenAI checks them.
 */
// prettier-ignore
function completionsRows(): Rows {
  const path = '/v1/chat/completions';
  const base = { model: 'gpt-4o-mini', messages: [USER] };
  const invalid = (name: string, body: object, field: string) => row(name, post(path, { ...base, ...body }), 400, INVALID, field);
  return [
    ...jsonBodyRows(path, base, false),
    ...messagesRows(path, { model: base.model }),
    invalid('content parts of an unknown type', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages.0.content'),
    invalid('model missing', { model: undefined }, 'model'),
    invalid('model empty', { model: '' }, 'model'),
    invalid('model of 1 000 characters', { model: 'm'.repeat(1000) }, 'model'),
    invalid('temperature above 2', { temperature: 3 }, 'temperature'),
    invalid('temperature a string', { temperature: 'hot' }, 'temperature'),
    invalid('top_p above 1', { top_p: 2 }, 'top_p'),
    invalid('max_tokens zero', { max_tokens: 0 }, 'max_tokens'),
    invalid('max_tokens not an integer', { max_tokens: 1.5 }, 'max_tokens'),
    invalid('stream a string', { stream: 'yes' }, 'stream'),
    invalid('presence_penalty below -2', { presence_penalty: -3 }, 'presence_penalty'),
    invalid('frequency_penalty above 2', { frequency_penalty: 2.5 }, 'frequency_penalty'),
    invalid('logit_bias above 100', { logit_bias: { '1': 101 } }, 'logit_bias'),
    invalid('top_logprobs above 20', { top_logprobs: 21 }, 'top_logprobs'),
    invalid('n zero', { n: 0 }, 'n'),
    invalid('stop an empty string', { stop: '' }, 'stop'),
    invalid('response_format of an unknown type', { response_format: { type: 'yaml' } }, 'response_format.type'),
    invalid('response_format json_schema without its schema', { response_format: { type: 'json_schema' } }, 'response_format.json_schema'),
    invalid('a tool that is not a function', { tools: [{ type: 'retrieval' }] }, 'tools.0.type'),
    invalid('a tool without a name', { tools: [{ type: 'function', function: {} }] }, 'tools.0.function.name'),
    invalid('a tool name with spaces', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools.0.function.name'),
    invalid('tool_choice of an unknown value', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'always' }, 'tool_choice'),
    invalid('tool_choice naming an undeclared tool', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } }, 'tool_choice'),
    invalid('tool_choice without tools', { tool_choice: 'auto' }, 'tool_choice'),
    invalid('tools and functions together', { tools: [{ type: 'function', function: { name: 'f' } }], functions: [{ name: 'f' }] }, 'functions'),
    invalid('a tool message without tool_call_id', { messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.tool_call_id'),
    invalid('a tool result answering no call', { messages: [USER, { role: 'tool', tool_call_id: 'c1', content: 'x' }] }, 'messages.1.tool_call_id'),
    invalid('a tool call left unanswered', { messages: [USER, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, USER] }, 'messages.1.tool_calls'),
    invalid('tool_calls on a user message', { messages: [{ ...USER, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, 'messages.0.tool_calls'),
    invalid('an assistant message with null content and no calls', { messages: [{ role: 'assistant', content: null }, USER] }, 'messages.0.content'),
  ];
}

/** Every route that takes input, with its invalid requests. */
export const BAD_INPUT: Record<string, BadInputRoute> = {
  'POST /server/send': { errorFormat: 'gateway', rows: sendRows() },
  'GET /server/events': { errorFormat: 'gateway', rows: eventsRows() },
  'GET /server/conversations/:id': {
    errorFormat: 'gateway',
    rows: conversationPathRows('GET'),
  },
  'DELETE /server/conversations/:id': {
    errorFormat: 'gateway',
    rows: conversationPathRows('DELETE'),
  },
  'POST /server/conversations/:id/cancel': {
    errorFormat: 'gateway',
    rows: cancelRows(),
  },
  'POST /v1/chat/completions': {
    errorFormat: 'openai',
    rows: completionsRows(),
  },
};
