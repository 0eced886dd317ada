import { fieldRefusal } from '../../test/support/field-refusal.js';
import type { IncomingMessage } from './incoming-message.js';
import { checkMessages } from './message-rules.js';

const LIMITS = { maxMessages: 6, maxMessageChars: 20 };
const CALL = { id: 'c1', name: 'lookup', arguments: '{}' };
const user = (content = 'hi'): IncomingMessage => ({ role: 'user', content });
const calls = (...ids: string[]): IncomingMessage => ({
  role: 'assistant',
  content: '',
  toolCalls: ids.map((id) => ({ ...CALL, id })),
});
const result = (toolCallId: string): IncomingMessage => ({
  role: 'tool',
  content: 'found',
  toolCallId,
});

/** The field and rule of the 400 `run` throws. */

describe('checkMessages', () => {
  it('splits system text from the turns, and names each tool result after its call', () => {
    expect(
      checkMessages(
        [
          { role: 'system', content: 'Rules' },
          user(),
          calls('c1', 'c2'),
          result('c2'),
          result('c1'),
        ],
        LIMITS,
      ),
    ).toEqual({
      system: ['Rules'],
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { ...CALL, id: 'c1' },
            { ...CALL, id: 'c2' },
          ],
        },
        { role: 'tool', content: 'found', toolCallId: 'c2', name: 'lookup' },
        { role: 'tool', content: 'found', toolCallId: 'c1', name: 'lookup' },
      ],
    });
  });

  it('keeps an earlier whitespace-only user turn (only the last must have text)', () => {
    expect(() => checkMessages([user(' '), user('b')], LIMITS)).not.toThrow();
  });

  it('drops empty assistant turns without calls', () => {
    const { messages } = checkMessages(
      [user('a'), { role: 'assistant', content: '' }, user('b')],
      LIMITS,
    );
    expect(messages.map((m) => m.content)).toEqual(['a', 'b']);
  });

  it.each<[string, IncomingMessage[], string, string]>([
    ['too many messages', Array(7).fill(user()), 'messages', 'arrayMaxSize'],
    [
      'a long message',
      [user('x'.repeat(21))],
      'messages.0.content',
      'maxLength',
    ],
    [
      'a blank last user turn',
      [user(' \n')],
      'messages.0.content',
      'isNotBlank',
    ],
    [
      'an empty earlier user turn',
      [user(''), user()],
      'messages.0.content',
      'isNotBlank',
    ],
    [
      'an assistant last',
      [user(), { role: 'assistant', content: 'a' }],
      'messages.1.role',
      'lastIsUser',
    ],
    [
      'only system text',
      [{ role: 'system', content: 's' }],
      'messages.0.role',
      'lastIsUser',
    ],
    [
      'a result without a call',
      [user(), result('c1')],
      'messages.1.tool_call_id',
      'isToolResult',
    ],
    [
      'a result for another call',
      [user(), calls('c1'), result('c9')],
      'messages.2.tool_call_id',
      'isToolResult',
    ],
    [
      'a call answered twice',
      [user(), calls('c1'), result('c1'), result('c1')],
      'messages.3.tool_call_id',
      'isToolResult',
    ],
    [
      'an unanswered call',
      [user(), calls('c1', 'c2'), result('c1'), user()],
      'messages.1.tool_calls',
      'toolCallsAnswered',
    ],
    [
      'calls on a user turn',
      [{ ...user(), toolCalls: [CALL] }],
      'messages.0.tool_calls',
      'isAssistant',
    ],
  ])('refuses %s', (_what, messages, field, rule) => {
    const refused = fieldRefusal(() => checkMessages(messages, LIMITS));
    expect(refused).toMatchObject({ field, rule });
    // Each message names its field once, first.
    expect(refused.message.startsWith(field)).toBe(true);
  });

  it('lets opening tool results answer a stored history only when the messages continue one', () => {
    const tail = [result('c1'), user()];
    expect(
      checkMessages(tail, LIMITS, { continuesHistory: true }).messages,
    ).toHaveLength(2);
    expect(fieldRefusal(() => checkMessages(tail, LIMITS))).toMatchObject({
      field: 'messages.0.tool_call_id',
      rule: 'isToolResult',
    });
    // Past the opening turns, a result must answer a call posted before it,
    // even when the messages continue a history.
    expect(
      fieldRefusal(() =>
        checkMessages([user(), result('c1')], LIMITS, {
          continuesHistory: true,
        }),
      ),
    ).toMatchObject({ field: 'messages.1.tool_call_id', rule: 'isToolResult' });
  });
});
