import type { RawRequest } from './raw-request.js';

/**
 * One invalid request and the answer it must get: a 4xx JSON error whose
 * `details.errors[].field` names `field`. A new route adds its rows to
 * `BAD_INPUT` under its own key; `jsonBodyRows` gives the rows every JSON
 * route shares.
 */
export interface BadInputRow {
  name: string;
  request: RawRequest;
  status: number;
  code: string;
  field: string;
}

type Rows = BadInputRow[];
const JSON_TYPE = { 'Content-Type': 'application/json' };
const TWO_MB = 2 * 1024 * 1024;
const USER = { role: 'user', content: 'hello' };

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

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const twoMegabytes = (valid: object) =>
  JSON.stringify({ ...valid, padding: 'x'.repeat(TWO_MB) });

/** JSON text with an own `__proto__` field, which an object literal cannot express. */
const withProto = (valid: object) =>
  JSON.stringify({ polluted: 'marker', ...valid }).replace(
    '"polluted"',
    '"__proto__"',
  );

/** What every route that reads a JSON body must refuse, whatever its fields. */
export function jsonBodyRows(path: string, valid: object): Rows {
  const row = (
    name: string,
    request: RawRequest,
    status: number,
    code: string,
    field: string,
  ): BadInputRow => ({ name, request, status, code, field });
  return [
    row(
      'malformed JSON',
      post(path, '{"messages": ['),
      400,
      'invalid_json',
      'body',
    ),
    row(
      'JSON with a trailing comma',
      post(path, '{"a":1,}'),
      400,
      'invalid_json',
      'body',
    ),
    row(
      'a JSON string as the body',
      post(path, '"hello"'),
      400,
      'invalid_json',
      'body',
    ),
    row('null as the body', post(path, 'null'), 400, 'invalid_json', 'body'),
    row(
      'text/plain',
      post(path, JSON.stringify(valid), { 'Content-Type': 'text/plain' }),
      415,
      'unsupported_media_type',
      'Content-Type',
    ),
    row(
      'a form',
      post(path, 'messages=hi', {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported_media_type',
      'Content-Type',
    ),
    row(
      'a body without a content type',
      post(path, JSON.stringify(valid), {}),
      415,
      'unsupported_media_type',
      'Content-Type',
    ),
    row(
      'a charset other than UTF-8',
      post(path, JSON.stringify(valid), {
        'Content-Type': 'application/json; charset=latin1',
      }),
      415,
      'unsupported_charset',
      'Content-Type',
    ),
    row(
      'an unknown content encoding',
      post(path, JSON.stringify(valid), {
        ...JSON_TYPE,
        'Content-Encoding': 'compress',
      }),
      415,
      'unsupported_encoding',
      'Content-Encoding',
    ),
    row(
      'a 2 MB body',
      post(path, twoMegabytes(valid)),
      413,
      'payload_too_large',
      'body',
    ),
    row(
      'a 2 MB chunked body (no length)',
      { ...post(path, twoMegabytes(valid)), chunked: true },
      413,
      'payload_too_large',
      'body',
    ),
    row(
      '100 000 nested brackets',
      post(path, `{"messages":${nested(100_000)}}`),
      400,
      'validation_failed',
      'messages',
    ),
    row(
      'a field named __proto__',
      post(path, withProto(valid)),
      400,
      'validation_failed',
      '__proto__',
    ),
    row(
      'a field named constructor',
      post(path, { ...valid, constructor: { prototype: { polluted: true } } }),
      400,
      'validation_failed',
      'constructor',
    ),
  ];
}

/** Conversation ids that must be refused wherever one is accepted (already URL-encoded). */
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
  const rows: Rows = BAD_IDS.map(([name, id]) => ({
    name: `conversation id: ${name}`,
    request: {
      method,
      path: `/server/conversations/${id}${suffix}`,
      ...(method === 'POST' ? { headers: JSON_TYPE, body: '{}' } : {}),
    },
    status: 400,
    code: 'validation_failed',
    field: 'conversationId',
  }));
  rows.push({
    name: 'a path that is not valid percent-encoding',
    request: { method, path: `/server/conversations/%E0%A4%A${suffix}` },
    status: 400,
    code: 'validation_failed',
    field: 'path',
  });
  return rows;
}

function sendRows(): Rows {
  const path = '/server/send';
  const invalid = (
    name: string,
    body: unknown,
    field: string,
  ): BadInputRow => ({
    name,
    request: post(path, body),
    status: 400,
    code: 'validation_failed',
    field,
  });
  const withContent = (content: unknown) => ({
    messages: [{ role: 'user', content }],
  });
  const withRole = (role: unknown) => ({
    messages: [{ role, content: 'hello' }],
  });
  const withId = (conversationId: unknown) => ({
    conversationId,
    messages: [USER],
  });
  return [
    ...jsonBodyRows(path, { messages: [USER] }),
    {
      name: 'an empty body',
      request: { method: 'POST', path, headers: JSON_TYPE },
      status: 400,
      code: 'validation_failed',
      field: 'messages',
    },
    invalid('messages missing', {}, 'messages'),
    invalid('messages empty', { messages: [] }, 'messages'),
    invalid('messages a string', { messages: 'hello' }, 'messages'),
    invalid('messages an object', { messages: { 0: USER } }, 'messages'),
    invalid('messages null', { messages: null }, 'messages'),
    invalid(
      'messages of 10 000 entries',
      { messages: Array(10_000).fill(USER) },
      'messages',
    ),
    invalid(
      'a message that is a string',
      { messages: ['hello'] },
      'messages.0',
    ),
    invalid('a message that is null', { messages: [null] }, 'messages.0'),
    invalid(
      'role missing',
      { messages: [{ content: 'hello' }] },
      'messages.0.role',
    ),
    invalid('role unknown', withRole('robot'), 'messages.0.role'),
    invalid('role system', withRole('system'), 'messages.0.role'),
    invalid('role in capitals', withRole('USER'), 'messages.0.role'),
    invalid('role a number', withRole(1), 'messages.0.role'),
    invalid(
      'last message from the assistant',
      { messages: [USER, { role: 'assistant', content: 'hi' }] },
      'messages.1.role',
    ),
    invalid(
      'content missing',
      { messages: [{ role: 'user' }] },
      'messages.0.content',
    ),
    invalid('content a number', withContent(42), 'messages.0.content'),
    invalid(
      'content an object',
      withContent({ text: 'hello' }),
      'messages.0.content',
    ),
    invalid('content an array', withContent(['hello']), 'messages.0.content'),
    invalid('content null', withContent(null), 'messages.0.content'),
    invalid('content empty', withContent(''), 'messages.0.content'),
    invalid(
      'content only whitespace',
      withContent(' \n\t\u3000'),
      'messages.0.content',
    ),
    invalid(
      'content over MAX_MESSAGE_CHARS',
      withContent('x'.repeat(20_001)),
      'messages.0.content',
    ),
    invalid(
      'content with a lone high surrogate',
      withContent('a\uD83Db'),
      'messages.0.content',
    ),
    invalid(
      'content with a lone low surrogate',
      withContent('a\uDE00b'),
      'messages.0.content',
    ),
    invalid(
      'content with a reversed surrogate pair',
      withContent('\uDE00\uD83D'),
      'messages.0.content',
    ),
    invalid(
      'content with a NUL byte',
      withContent('a\u0000b'),
      'messages.0.content',
    ),
    invalid(
      'an earlier message with a lone surrogate',
      { messages: [{ role: 'assistant', content: '\uD800' }, USER] },
      'messages.0.content',
    ),
    invalid('an unknown field', { messages: [USER], model: 'gpt-4o' }, 'model'),
    invalid(
      'an unknown field in a message',
      { messages: [{ ...USER, name: 'x' }] },
      'messages.0.name',
    ),
    invalid(
      '__proto__ in a message',
      JSON.parse('{"messages":[{"role":"user","content":"x","__proto__":{}}]}'),
      'messages.0.__proto__',
    ),
    invalid(
      'conversationId a path traversal',
      withId('../../etc/passwd'),
      'conversationId',
    ),
    invalid(
      'conversationId of 1 000 characters',
      withId('a'.repeat(1000)),
      'conversationId',
    ),
    invalid('conversationId non-ASCII', withId('café'), 'conversationId'),
    invalid('conversationId an emoji', withId('😀'), 'conversationId'),
    invalid('conversationId empty', withId(''), 'conversationId'),
    invalid('conversationId a number', withId(42), 'conversationId'),
    invalid('conversationId an array', withId(['a']), 'conversationId'),
  ];
}

function eventsRows(): Rows {
  const get = (
    name: string,
    query: string,
    field: string,
    headers?: Record<string, string>,
  ): BadInputRow => ({
    name,
    request: {
      method: 'GET',
      path: `/server/events${query}`,
      headers: { Accept: 'text/event-stream', ...headers },
    },
    status: 400,
    code: 'validation_failed',
    field,
  });
  const lastEventId = (name: string, value: string) =>
    get(`Last-Event-ID ${name}`, '', 'Last-Event-ID', {
      'Last-Event-ID': value,
    });
  return [
    ...BAD_IDS.map(([name, id]) =>
      get(`conversationId: ${name}`, `?conversationId=${id}`, 'conversationId'),
    ),
    get('conversationId empty', '?conversationId=', 'conversationId'),
    get(
      'conversationId twice',
      '?conversationId=a&conversationId=b',
      'conversationId',
    ),
    get('lastEventId not an id', '?lastEventId=abc', 'lastEventId'),
    get('lastEventId with three parts', '?lastEventId=1-2-3', 'lastEventId'),
    get('lastEventId negative', '?lastEventId=-1-2', 'lastEventId'),
    get(
      'lastEventId of 1 000 digits',
      `?lastEventId=${'9'.repeat(1000)}-1`,
      'lastEventId',
    ),
    lastEventId('not an id', 'abc'),
    lastEventId('with three parts', '1-2-3'),
    lastEventId('of 1 000 digits', `${'9'.repeat(1000)}-1`),
    lastEventId('with trailing text', '1764131282000-3; drop'),
    lastEventId('with Latin-1 bytes', 'caf\u00e9-1'),
    get('an unknown query parameter', '?foo=bar', 'foo'),
    get(
      'a bracketed query parameter',
      '?conversationId[a]=b',
      'conversationId[a]',
    ),
    get('a query parameter named __proto__', '?__proto__=x', '__proto__'),
  ];
}

function cancelRows(): Rows {
  const path = '/server/conversations/c1/cancel';
  const invalid = (
    name: string,
    body: unknown,
    field: string,
  ): BadInputRow => ({
    name,
    request: post(path, body),
    status: 400,
    code: 'validation_failed',
    field,
  });
  return [
    ...jsonBodyRows(path, {}),
    ...conversationPathRows('POST', '/cancel'),
    invalid('messageId not a UUID', { messageId: 'nope' }, 'messageId'),
    invalid(
      'messageId of 1 000 characters',
      { messageId: 'a'.repeat(1000) },
      'messageId',
    ),
    invalid('messageId a number', { messageId: 42 }, 'messageId'),
    invalid('messageId empty', { messageId: '' }, 'messageId'),
    invalid(
      'an unknown field',
      { messageId: undefined, reason: 'x' },
      'reason',
    ),
  ];
}

/** Every route that takes input, with its invalid requests. */
export const BAD_INPUT: Record<string, Rows> = {
  'POST /server/send': sendRows(),
  'GET /server/events': eventsRows(),
  'GET /server/conversations/:id': conversationPathRows('GET'),
  'DELETE /server/conversations/:id': conversationPathRows('DELETE'),
  'POST /server/conversations/:id/cancel': cancelRows(),
};
