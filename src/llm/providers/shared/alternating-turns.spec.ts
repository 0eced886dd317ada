import fc from 'fast-check';
import { LlmError } from '../../llm-error.js';
import type { ChatMessage } from '../../llm.types.js';
import {
  characterCount,
  toAlternatingTurns,
  trimToInputLimit,
} from './alternating-turns.js';

const message = fc.record({
  role: fc.constantFrom<ChatMessage['role']>('user', 'assistant'),
  content: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', '  ', '\n'),
  ),
});
/** What the chat path hands over: anything, ending with a non-empty user message. */
const chatHistory = fc
  .tuple(
    fc.array(message, { maxLength: 12 }),
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  )
  .map(([history, last]): ChatMessage[] => [
    ...history,
    { role: 'user', content: last },
  ]);

function followsErnieRules(turns: ChatMessage[]): boolean {
  return (
    turns.length % 2 === 1 &&
    turns.every(
      (turn, i) =>
        turn.role === (i % 2 === 0 ? 'user' : 'assistant') &&
        turn.content.trim().length > 0,
    )
  );
}

describe('toAlternatingTurns', () => {
  it('always yields turns that follow the rules and keep the last user message', () => {
    fc.assert(
      fc.property(chatHistory, (history) => {
        const turns = toAlternatingTurns(history);
        expect(followsErnieRules(turns)).toBe(true);
        expect(turns.at(-1)!.content.endsWith(history.at(-1)!.content)).toBe(
          true,
        );
      }),
    );
  });

  it('loses no non-empty content between the first and the last user turn', () => {
    fc.assert(
      fc.property(chatHistory, (history) => {
        const firstUser = history.findIndex(
          (m) => m.role === 'user' && m.content.trim() !== '',
        );
        const kept = history
          .slice(firstUser)
          .filter((m) => m.content.trim() !== '')
          .map((m) => m.content);
        expect(
          toAlternatingTurns(history)
            .map((t) => t.content)
            .join('\n\n'),
        ).toBe(kept.join('\n\n'));
      }),
    );
  });

  it('merges consecutive turns, drops empty ones and a leading answer', () => {
    expect(
      toAlternatingTurns([
        { role: 'assistant', content: 'Welcome!' },
        { role: 'user', content: 'Hi' },
        { role: 'user', content: 'Are you there?' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Hello?' },
      ]),
    ).toEqual([{ role: 'user', content: 'Hi\n\nAre you there?\n\nHello?' }]);
  });

  it('leaves a well-formed history untouched', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ];
    expect(toAlternatingTurns(history)).toEqual(history);
  });

  it('refuses a history without any user message', () => {
    expect(() =>
      toAlternatingTurns([{ role: 'assistant', content: 'x' }]),
    ).toThrow(LlmError);
  });
});

describe('trimToInputLimit', () => {
  const alternating = chatHistory.map(toAlternatingTurns);

  it('keeps the newest turns that fit, in whole exchanges, or refuses', () => {
    fc.assert(
      fc.property(
        alternating,
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        fc.integer({ min: 1, max: 200 }),
        (turns, system, maxChars) => {
          const size = (list: ChatMessage[]) =>
            list.reduce((sum, t) => sum + characterCount(t.content), 0) +
            (system ? characterCount(system) : 0);
          const lastAlone = size(turns.slice(-1));
          if (lastAlone > maxChars) {
            expect(() => trimToInputLimit(turns, system, maxChars)).toThrow(
              expect.objectContaining({ code: 'upstream_input_too_long' }),
            );
            return;
          }
          const trimmed = trimToInputLimit(turns, system, maxChars);
          expect(followsErnieRules(trimmed)).toBe(true);
          expect(turns.slice(turns.length - trimmed.length)).toEqual(trimmed);
          expect(size(trimmed)).toBeLessThanOrEqual(maxChars);
          // Minimal trimming: the exchange dropped last would not have fitted.
          if (trimmed.length < turns.length) {
            const oneMore = turns.slice(turns.length - trimmed.length - 2);
            expect(size(oneMore)).toBeGreaterThan(maxChars);
          }
        },
      ),
    );
  });

  it('counts the system prompt and characters, not UTF-16 units', () => {
    const turns: ChatMessage[] = [
      { role: 'user', content: '😀😀😀' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: '你好' },
    ];
    expect(trimToInputLimit(turns, undefined, 7)).toEqual(turns);
    expect(trimToInputLimit(turns, 'sys', 7)).toEqual(turns.slice(2));
    expect(characterCount('😀a')).toBe(2);
  });
});

/** Code points, counted independently of `characterCount` (the limit is in characters, not graphemes). */
const codePoints = (text: string) => Array.from(text).length;

describe('the ERNIE request pipeline (toAlternatingTurns, then trimToInputLimit) on any Unicode history', () => {
  const unicodeContent = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('', ' ', '\u3000', '\u00a0\n', '😀😀', '𠀋', 'e\u0301'),
  );
  const history = fc
    .tuple(
      fc.array(
        fc.record({
          role: fc.constantFrom<ChatMessage['role']>('user', 'assistant'),
          content: unicodeContent,
        }),
        { maxLength: 20 },
      ),
      unicodeContent.filter((s) => s.trim() !== ''),
    )
    .map(([earlier, last]): ChatMessage[] => [
      ...earlier,
      { role: 'user', content: last },
    ]);

  it('always meets the role rules and the limit, keeps the newest turns and the last message, or refuses as too long', () => {
    fc.assert(
      fc.property(
        history,
        fc.option(unicodeContent, { nil: undefined }),
        fc.integer({ min: 1, max: 120 }),
        (messages, system, maxChars) => {
          const turns = toAlternatingTurns(messages);
          const systemChars = system ? codePoints(system) : 0;
          const size = (list: ChatMessage[]) =>
            systemChars +
            list.reduce((sum, t) => sum + codePoints(t.content), 0);
          let trimmed: ChatMessage[];
          try {
            trimmed = trimToInputLimit(turns, system, maxChars);
          } catch (error) {
            expect(error).toMatchObject({ code: 'upstream_input_too_long' });
            expect(size(turns.slice(-1))).toBeGreaterThan(maxChars);
            return;
          }
          expect(followsErnieRules(trimmed)).toBe(true);
          expect(size(trimmed)).toBeLessThanOrEqual(maxChars);
          expect(trimmed).toEqual(turns.slice(turns.length - trimmed.length));
          expect(
            trimmed.at(-1)!.content.endsWith(messages.at(-1)!.content),
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
