import { fromOpenAiChunk } from './openai-chunk.mapper.js';

describe('fromOpenAiChunk', () => {
  it('maps text, finish reason and usage', () => {
    expect(
      fromOpenAiChunk({
        choices: [{ delta: { content: 'Hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }),
    ).toEqual({
      chunks: [{ type: 'delta', text: 'Hi' }],
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
    });
  });

  it('keeps tool-call fragments as framed: id and name first, then argument pieces', () => {
    const first = fromOpenAiChunk({
      choices: [
        {
          delta: {
            content: null,
            tool_calls: [
              {
                index: 1,
                id: 'call_9',
                type: 'function',
                function: { name: 'lookup', arguments: '' },
              },
            ],
          },
        },
      ],
    });
    const next = fromOpenAiChunk({
      choices: [
        {
          delta: {
            tool_calls: [{ index: 1, function: { arguments: '{"q"' } }],
          },
        },
      ],
    });
    expect(first.chunks).toEqual([
      {
        type: 'tool_call',
        index: 1,
        id: 'call_9',
        name: 'lookup',
        argumentsDelta: '',
      },
    ]);
    expect(next.chunks).toEqual([
      { type: 'tool_call', index: 1, argumentsDelta: '{"q"' },
    ]);
  });

  it('reads a whole reply (message) with its calls, and a usage-only chunk', () => {
    expect(
      fromOpenAiChunk({
        choices: [
          {
            message: {
              content: null,
              tool_calls: [
                { id: 'a', function: { name: 'f', arguments: '{}' } },
                { id: 'b', function: { name: 'g', arguments: '{}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
      }).chunks.map((c) => (c.type === 'tool_call' ? c.index : -1)),
    ).toEqual([0, 1]);
    expect(fromOpenAiChunk({ choices: [] })).toEqual({
      chunks: [],
      finishReason: undefined,
      usage: undefined,
    });
  });
});
