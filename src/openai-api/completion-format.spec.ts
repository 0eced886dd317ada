import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameSse } from '../streaming/sse-framing.js';
import { CompletionFormat } from './completion-format.js';

const framed = (format: CompletionFormat, text: string) =>
  frameSse({ data: JSON.stringify(format.contentChunk(text)) });

describe('CompletionFormat.contentFrame', () => {
  it('is the content chunk framed, byte for byte, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.boolean(),
        fc.boolean(),
        (text, includeUsage, legacy) => {
          const format = new CompletionFormat('m-1', includeUsage, legacy);
          expect(format.contentFrame(text)).toBe(framed(format, text));
        },
      ),
    );
  });

  it('follows the model the router names after the first chunk', () => {
    const format = new CompletionFormat('asked');
    expect(format.contentFrame('a')).toBe(framed(format, 'a'));
    format.model = 'served';
    expect(format.contentFrame('b')).toBe(framed(format, 'b'));
    expect(format.contentFrame('b')).toContain('"model":"served"');
  });

  it('builds the whole chunk when the model name is the template marker', () => {
    const format = new CompletionFormat('\u0000text\u0000');
    expect(format.contentFrame('x')).toBe(framed(format, 'x'));
  });
});

describe('CompletionFormat.roleChunk', () => {
  it('opens a text reply with content "" and a tool call with content null, as OpenAI does', () => {
    const format = new CompletionFormat('m-1');
    expect(format.roleChunk().choices[0].delta).toEqual({
      role: 'assistant',
      content: '',
    });
    expect(format.roleChunk(true).choices[0].delta).toEqual({
      role: 'assistant',
      content: null,
    });
  });
});
