import type { Turn } from '../conversations/conversation.js';
import { replayHistory } from './conversation-history.js';

const at = '2026-01-01T00:00:00.000Z';
const user = (content: string): Turn => ({
  role: 'user',
  content,
  createdAt: at,
});
const reply = (content: string, calls: string[] = []): Turn => ({
  role: 'assistant',
  content,
  ...(calls.length
    ? {
        toolCalls: calls.map((id) => ({
          id,
          name: 'get_weather',
          arguments: '{}',
        })),
      }
    : {}),
  createdAt: at,
});
const result = (toolCallId: string): Turn => ({
  role: 'tool',
  content: 'sunny',
  toolCallId,
  createdAt: at,
});

describe('replayHistory', () => {
  it('replays text turns as they were stored, leaving out those without text', () => {
    // The shape stored before tool turns existed.
    const { messages, dropped } = replayHistory([
      user('Hi'),
      reply(''),
      user('Again'),
      reply('Hello'),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'user', content: 'Again' },
      { role: 'assistant', content: 'Hello' },
    ]);
    expect([...dropped]).toEqual([1]);
  });

  it('replays a call with its results, naming the function each answers', () => {
    const { messages } = replayHistory([
      user('Paris?'),
      reply('', ['a', 'b']),
      result('b'),
      result('a'),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'Paris?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'get_weather', arguments: '{}' },
          { id: 'b', name: 'get_weather', arguments: '{}' },
        ],
      },
      { role: 'tool', content: 'sunny', toolCallId: 'b', name: 'get_weather' },
      { role: 'tool', content: 'sunny', toolCallId: 'a', name: 'get_weather' },
    ]);
  });

  it('leaves out a call nobody answered, a partly answered one and orphan results, keeping their text', () => {
    const { messages, dropped } = replayHistory([
      result('trimmed'),
      user('Paris?'),
      reply('Let me look.', ['a']),
      user('Never mind'),
      reply('', ['b', 'c']),
      result('b'),
      user('Thanks'),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'Paris?' },
      { role: 'assistant', content: 'Let me look.' },
      { role: 'user', content: 'Never mind' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect([...dropped].sort((a, b) => a - b)).toEqual([0, 4, 5]);
  });
});
