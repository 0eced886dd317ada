import { ernieFinishReason, fromErnieReply } from './ernie-chunk.mapper.js';

describe('fromErnieReply / ernieFinishReason', () => {
  it('maps text, and a normal end to stop', () => {
    expect(fromErnieReply({ result: 'Hi' })).toEqual([
      { type: 'delta', text: 'Hi' },
    ]);
    expect(ernieFinishReason({ finish_reason: 'normal' })).toBe('stop');
    expect(ernieFinishReason({ is_truncated: true })).toBe('length');
    expect(ernieFinishReason({ need_clear_history: true })).toBe(
      'content_filter',
    );
  });

  it('maps a function call to one whole tool-call fragment, with an id made from the reply', () => {
    const reply = {
      id: 'as-123',
      result: '',
      finish_reason: 'function_call',
      function_call: { name: 'lookup', arguments: '{"q":1}', thoughts: 'x' },
    };
    expect(fromErnieReply(reply)).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: 'call_as-123',
        name: 'lookup',
        argumentsDelta: '{"q":1}',
      },
    ]);
    expect(ernieFinishReason(reply)).toBe('tool_calls');
  });
});
