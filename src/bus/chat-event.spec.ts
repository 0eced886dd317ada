import 'reflect-metadata';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { asDelivered, sseText } from '../../test/support/sse-text.js';
import { chatEvent, serialiseData, type ChatEventInput } from './chat-event.js';

/** Any string at all, lone surrogates included. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });

/**
 * Encodes frames as UTF-8 like the socket does, cuts the bytes at the given
 * offsets (TCP may split anywhere, even inside a character) and parses the
 * pieces with `eventsource-parser`, a WHATWG-compliant parser.
 */
function overTheWire(
  frames: string[],
  cuts: number[] = [],
): EventSourceMessage[] {
  const bytes = new TextEncoder().encode(frames.join(''));
  const received: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => received.push(event) });
  const decoder = new TextDecoder();
  const ends = [...cuts.map((c) => c % (bytes.length + 1)), bytes.length];
  let from = 0;
  for (const end of ends.sort((a, b) => a - b)) {
    parser.feed(decoder.decode(bytes.subarray(from, end), { stream: true }));
    from = end;
  }
  parser.feed(decoder.decode());
  return received;
}

const event = (seq: number, input: ChatEventInput) =>
  chatEvent('c', `1764131282000-${seq}`, input.type, serialiseData(input))
    .frame;

describe('SSE framing of chat events (frameSse, parsed by eventsource-parser)', () => {
  it('delivers the text of an unnamed message exactly, but for CR and CRLF, which arrive as LF', async () => {
    await fc.assert(
      fc.asyncProperty(sseText, async (text) => {
        const [received] = overTheWire([
          event(1, { type: 'message', data: text }),
        ]);
        expect(received.event).toBeUndefined();
        expect(received.id).toBe('1764131282000-1');
        expect(received.data).toBe(asDelivered(text));
      }),
      { numRuns: 300 },
    );
  });

  it('delivers LF-only text exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        sseText.map((text) => text.replace(/\r/g, '')),
        async (text) => {
          const [received] = overTheWire([
            event(1, { type: 'message', data: text }),
          ]);
          expect(received.data).toBe(text);
        },
      ),
    );
  });

  it('delivers any string inside a named JSON event exactly, CR and lone surrogates included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(sseText, anyString), async (text) => {
        const [received] = overTheWire([
          event(7, { type: 'delta', data: { messageId: 'm', text } }),
        ]);
        expect(received.event).toBe('delta');
        expect(JSON.parse(received.data)).toEqual({ messageId: 'm', text });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a sequence of events apart, in order, however the bytes are cut', async () => {
    const input = fc.oneof(
      sseText.map((text): ChatEventInput => ({ type: 'message', data: text })),
      sseText.map((text): ChatEventInput => ({
        type: 'delta',
        data: { messageId: 'm', text },
      })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(input, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (inputs, cuts) => {
          const received = overTheWire(
            inputs.map((input, i) => event(i, input)),
            cuts,
          );
          expect(
            received.map((r) => [r.id, r.event ?? 'message', r.data]),
          ).toEqual(
            inputs.map((input, i) => [
              `1764131282000-${i}`,
              input.type,
              typeof input.data === 'string'
                ? asDelivered(input.data)
                : JSON.stringify(input.data),
            ]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('delivers an empty text as an event with empty data, not as nothing', async () => {
    const received = overTheWire([event(1, { type: 'message', data: '' })]);
    expect(received).toHaveLength(1);
    expect(received[0].data).toBe('');
  });
});
