import fc from 'fast-check';

/** Pieces that stress SSE framing: line breaks of every kind, field look-alikes, spaces. */
const TRICKY = fc.constantFrom(
  '\r',
  '\n',
  '\r\n',
  '\n\n',
  '\r\r',
  ':',
  ': comment',
  'data: x',
  'event: error',
  'id: 1-1',
  'retry: 1',
  ' ',
  '  lead',
  '\t',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\u0000',
  '😀',
  'e\u0301',
  '你好',
  'שלום',
);
/** Any well-formed text, biased towards what breaks framings. */
export const sseText = fc
  .array(fc.oneof(TRICKY, fc.string({ unit: 'grapheme', maxLength: 8 })), {
    maxLength: 16,
  })
  .map((parts) => parts.join(''));
/**
 * What the WHATWG parser hands back for the text of an unnamed event: it
 * cannot carry a CR (CR, LF and CRLF all end a line in the format), so CR and
 * CRLF come back as LF. Nothing else may change.
 */
export const asDelivered = (text: string) => text.replace(/\r\n?/g, '\n');
