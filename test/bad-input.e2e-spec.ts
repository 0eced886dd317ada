import { FakeOpenAi } from './fakes/fake-openai.js';
import { startApp, type AppProcess } from './support/app-process.js';
import {
  BAD_INPUT,
  type BadInputRoute,
  type BadInputRow,
} from './support/bad-input-rows.js';
import { replyWithUnnamed, subscribe } from './support/chat-helpers.js';
import { openAiEnv } from './support/provider-env.js';
import { rawRequest } from './support/raw-request.js';
import { postJson, type SseClient } from './support/sse-client.js';

/** The code, the named fields and the message of an error body, in either format. */
const READ_ERROR: Record<
  BadInputRoute['errorFormat'],
  (
    body: any,
    status: number,
  ) => { code: string; fields: string[]; message: string }
> = {
  gateway: (
    body: {
      statusCode: number;
      code: string;
      message: string;
      details?: { errors?: { field: string }[] };
    },
    status,
  ) => {
    expect(body.statusCode).toBe(status);
    return {
      code: body.code,
      fields: body.details?.errors?.map((e) => e.field) ?? [],
      message: body.message,
    };
  },
  openai: (body: {
    error: {
      type: string;
      code: string;
      param: string | null;
      message: string;
    };
  }) => {
    expect(body.error.type).toBe('invalid_request_error');
    return {
      code: body.error.code,
      fields: [body.error.param ?? ''],
      message: body.error.message,
    };
  },
};

/** A message that names its field, then names it again: `a.b: a.b must …`. */
const NAMED_TWICE = /^([\w.]+): .*(?<!\w)\1(?!\w)/;

/** What a stack trace or an internal path looks like in a body. */
const INTERNALS =
  /\n\s+at |\bat \S+ \(|\.(?:js|ts):\d+|node_modules|\/work\/|RangeError|TypeError/;

/**
 * Texts that must come back byte-exact through the whole path: POST body →
 * upstream request → streamed deltas → `delta`, `done` and the unnamed
 * `message` event. (CR is left to the SSE framing spec: the WHATWG parser
 * turns it into LF in a `message` event.)
 */
const ROUND_TRIP: [string, string][] = [
  ['emoji (skin tones, ZWJ families, flags)', '👍🏽 👨‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 ❤️ 🫠'],
  ['CJK', '你好，世界。日本語のテキスト、한국어 텍스트 𠀋𠂢'],
  [
    'RTL with direction marks',
    'مرحبا بالعالم — שלום עולם \u200f(rtl)\u202eoverride\u202c',
  ],
  [
    'combining marks, NFD kept apart from NFC',
    'e\u0301 \u00e9 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̗̞̈́o̶ \u0915\u094d\u0937',
  ],
  [
    'astral planes and invisible characters',
    '\ufeff𝒜𝓁𝓅𝒽𝒶 𓀀 a\u200bb\u200dc \u2028\u2029 \u00a0',
  ],
  [
    'SSE look-alike lines',
    ': comment\ndata: fake\nevent: error\nid: 1-1\n\n  indented\n',
  ],
];

/** Splits text into 3 deltas at code points, cutting through grapheme clusters. */
function deltasOf(text: string): string[] {
  const points = Array.from(text);
  const third = Math.ceil(points.length / 3);
  return [0, 1, 2]
    .map((i) => points.slice(i * third, (i + 1) * third).join(''))
    .filter((piece) => piece.length > 0);
}

describe('bad input never reaches the model (e2e, OpenAI provider on a fake upstream)', () => {
  let fake: FakeOpenAi;
  let app: AppProcess;
  let client: SseClient;
  let validRequests = 0;

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    app = await startApp({ ...openAiEnv(fake), RATE_LIMIT_MAX: '100000' });
    client = await subscribe(app);
  });
  afterAll(async () => {
    await client?.close();
    await app?.stop();
    await fake?.close();
  });

  describe.each(Object.entries(BAD_INPUT))('%s', (_route, route) => {
    it.each(route.rows.map((row) => [row.name, row] as const))(
      'refuses %s',
      async (_name, row: BadInputRow) => {
        const upstreamBefore = fake.chatRequests.length;
        const answer = await rawRequest(app.url, row.request);
        expect(answer.status, answer.text).toBe(row.status);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        const error = READ_ERROR[route.errorFormat](
          JSON.parse(answer.text),
          row.status,
        );
        expect(error.code, answer.text).toBe(row.code);
        expect(error.fields, answer.text).toContain(row.field);
        // The message names its field once (`a.b must …`, not `a.b: a.b must …`).
        expect(error.message, answer.text).not.toMatch(NAMED_TWICE);
        expect(answer.text).not.toMatch(INTERNALS);
        expect(fake.chatRequests).toHaveLength(upstreamBefore);
        expect(app.child.exitCode).toBeNull();
      },
    );
  });

  it.each(ROUND_TRIP)(
    'carries %s byte-exact to the model and back to every event',
    async (_name, text) => {
      fake.enqueue({ type: 'reply', chunks: deltasOf(text) });
      const sent = await postJson<{ messageId: string }>(
        `${app.url}/server/send`,
        { messages: [{ role: 'user', content: text }] },
      );
      expect(sent.status).toBe(202);
      validRequests++;
      const { messageId } = sent.body;
      const { end, unnamed, deltas } = await replyWithUnnamed(
        client,
        messageId,
      );
      const upstream = fake.chatRequests.at(-1)!.body as {
        messages: { content: string }[];
      };
      const bytes = (s: string) => Buffer.from(s, 'utf8').toString('hex');
      expect(end.event).toBe('done');
      expect(bytes(upstream.messages.at(-1)!.content)).toBe(bytes(text));
      expect(bytes(deltas.join(''))).toBe(bytes(text));
      expect(bytes((JSON.parse(end.data) as { text: string }).text)).toBe(
        bytes(text),
      );
      expect(bytes(unnamed.data)).toBe(bytes(text));
    },
  );

  it('is still serving, and the model saw only the valid requests', async () => {
    const { body } = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      { messages: [{ role: 'user', content: 'still there?' }] },
    );
    validRequests++;
    expect((await client.waitForEnd(body.messageId)).event).toBe('done');
    expect(fake.chatRequests).toHaveLength(validRequests);
    expect(app.child.exitCode).toBeNull();
    expect(app.output()).not.toContain('"level":50');
  });
});
