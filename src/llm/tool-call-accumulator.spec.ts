import { ToolCallAccumulator } from './tool-call-accumulator.js';

describe('ToolCallAccumulator', () => {
  it('joins fragments per index into whole calls, in index order', () => {
    const calls = new ToolCallAccumulator();
    calls.add({
      type: 'tool_call',
      index: 1,
      id: 'b',
      name: 'g',
      argumentsDelta: '',
    });
    calls.add({
      type: 'tool_call',
      index: 0,
      id: 'a',
      name: 'f',
      argumentsDelta: '{"x"',
    });
    calls.add({ type: 'tool_call', index: 1, argumentsDelta: '{}' });
    calls.add({ type: 'tool_call', index: 0, argumentsDelta: ':1}' });
    expect(calls.calls).toEqual([
      { id: 'a', name: 'f', arguments: '{"x":1}' },
      { id: 'b', name: 'g', arguments: '{}' },
    ]);
  });
});
