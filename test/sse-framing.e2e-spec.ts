import fc from 'fast-check';
import { MockProvider } from '../src/llm/providers/mock/mock.provider.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyWithUnnamed, subscribe } from './support/chat-helpers.js';
import { postJson, type SseClient } from './support/sse-client.js';
import { asDelivered, sseText } from './support/sse-text.js';

interface Answer {
  messageId?: string;
  code?: string;
  details?: { errors: { field: string }[] };
}

/**
 * Text the edge must refuse: blank (nothing to answer), or unable to travel
 * through JSON, UTF-8 and an upstream API unchanged.
 */
const refused = (text: string) =>
  text.trim().length === 0 || text.includes('\0') || !isWellFormed(text);

/** An oracle independent of the app's check: encodeURIComponent throws on a lone surrogate. */
function isWellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The framing property end to end: any text a user sends is either refused
 * at the edge with a 400 naming the field, or comes back through the real
 * app in every form: the `delta` texts concatenated and the `done` text
 * exactly, and the unnamed `message` event (the original page's) exactly but
 * for CR and CRLF, which the SSE format can only deliver as LF.
 */
describe('SSE framing through the real app (e2e, mock provider echoing the text)', () => {
  let app: AppProcess;
  let client: SseClient;

  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '0', RATE_LIMIT_MAX: '100000' });
    client = await subscribe(app);
  });
  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  it('round-trips any accepted text, and refuses exactly what cannot round-trip', async () => {
    const text = fc.oneof(
      sseText,
      fc.string({ unit: 'binary', maxLength: 30 }),
      sseText.map((t) => `${t}\uD800${t}`),
    );
    await fc.assert(
      fc.asyncProperty(text, async (content) => {
        const answer = await postJson<Answer>(`${app.url}/server/send`, {
          messages: [{ role: 'user', content }],
        });
        if (refused(content)) {
          expect(answer.status).toBe(400);
          expect(answer.body.details?.errors.map((e) => e.field)).toContain(
            'messages.0.content',
          );
          return;
        }
        expect(answer.status).toBe(202);
        const messageId = answer.body.messageId!;
        const expected = MockProvider.replyTo({
          messages: [{ role: 'user', content }],
        });
        const reply = await replyWithUnnamed(client, messageId);
        const { end, unnamed } = reply;
        const deltas = reply.deltas.join('');
        expect(end.event).toBe('done');
        expect((JSON.parse(end.data) as { text: string }).text).toBe(expected);
        expect(deltas).toBe(expected);
        expect(unnamed.data).toBe(asDelivered(expected));
      }),
      { numRuns: 60 },
    );
  });
});
