import { plainToInstance } from 'class-transformer';
import {
  FunctionCallItemDto,
  FunctionCallOutputItemDto,
  InputMessageItemDto,
} from './dto/input-item.dto.js';
import {
  inputFieldName,
  recentTurns,
  replyTurn,
  toResponseConversation,
  type PlacedItem,
} from './response-input.js';

const at = (index: number, item: PlacedItem['item']): PlacedItem => ({
  item,
  path: `input.${index}`,
});
const message = (role: 'user' | 'assistant' | 'developer', content: unknown) =>
  plainToInstance(InputMessageItemDto, { role, content });
const call = (id: string) =>
  plainToInstance(FunctionCallItemDto, {
    type: 'function_call',
    call_id: id,
    name: 'get_weather',
    arguments: '{"city":"Paris"}',
  });
const output = (id: string) =>
  plainToInstance(FunctionCallOutputItemDto, {
    type: 'function_call_output',
    call_id: id,
    output: [{ type: 'input_text', text: '21' }],
  });

describe('toResponseConversation', () => {
  it('puts instructions, the stored conversation and the input in order, calls joined to the assistant turn before them', () => {
    const { messages } = toResponseConversation(
      'Be brief.',
      [{ role: 'user', content: 'Earlier' }],
      [
        at(0, message('developer', 'Use metric units.')),
        at(1, message('user', [{ type: 'input_text', text: 'Paris' }])),
        at(
          2,
          message('assistant', [{ type: 'output_text', text: 'Checking.' }]),
        ),
        at(3, call('c1')),
        at(4, call('c2')),
        at(5, output('c1')),
        at(6, output('c2')),
      ],
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Earlier' },
      { role: 'developer', content: 'Use metric units.' },
      { role: 'user', content: 'Paris' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'c2', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
      { role: 'tool', content: '21', toolCallId: 'c1' },
      { role: 'tool', content: '21', toolCallId: 'c2' },
    ]);
  });

  it('makes a call without assistant text its own assistant turn', () => {
    const { messages } = toResponseConversation(
      undefined,
      [],
      [at(0, message('user', 'Paris')), at(1, call('c1')), at(2, output('c1'))],
    );
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
    });
  });
});

describe('inputFieldName', () => {
  const conversation = toResponseConversation(
    'Be brief.',
    [{ role: 'user', content: 'Earlier' }],
    [at(0, message('user', 'Paris')), at(1, call('c1')), at(2, output('c9'))],
  );

  it.each([
    ['messages', 'input'],
    ['messages.0.content', 'instructions'],
    ['messages.1.content', 'previous_response_id'],
    ['messages.2.content', 'input.0.content'],
    ['messages.3.tool_calls', 'input.1'],
    ['messages.4.tool_call_id', 'input.2.call_id'],
    ['messages.4.content', 'input.2.output'],
  ])('names %s as %s', (field, name) => {
    expect(inputFieldName(conversation, field)).toBe(name);
  });

  it('names a string input as input', () => {
    const text = toResponseConversation(
      undefined,
      [],
      [{ item: message('user', ' '), path: 'input' }],
    );
    expect(inputFieldName(text, 'messages.0.content')).toBe('input');
    expect(inputFieldName(text, 'temperature')).toBeUndefined();
  });
});

describe('recentTurns and replyTurn', () => {
  const history = [
    { role: 'user' as const, content: 'a' },
    replyTurn({
      text: '',
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
    }),
    { role: 'tool' as const, content: 'r', toolCallId: 'c1' },
    replyTurn({ text: 'done', toolCalls: [] }),
    { role: 'user' as const, content: 'b' },
    replyTurn({ text: 'B', toolCalls: [] }),
  ];

  it('keeps the newest turns that fit, from a user turn on', () => {
    expect(recentTurns(history, 6)).toBe(history);
    expect(recentTurns(history, 4)).toEqual(history.slice(4));
    expect(recentTurns(history, 0)).toEqual([]);
  });

  it('records a reply with its calls, and without calls when it made none', () => {
    expect(history[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
    });
    expect(history[3]).toEqual({ role: 'assistant', content: 'done' });
  });
});
