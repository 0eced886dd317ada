import { collectChunks } from '../../../../test/support/collect-chunks.js';
import type { LlmRequest } from '../../llm.types.js';
import { limitReply } from './mock-reply-limits.js';
import { MockProvider, splitIntoDeltas } from './mock.provider.js';

const mock = new MockProvider({ delayMs: 0 });
const never = () => new AbortController().signal;
const WEATHER = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};
const ask: LlmRequest = { messages: [{ role: 'user', content: 'Paris' }] };

describe('MockProvider', () => {
  it('calls the first tool with the last user message as its first property, in fragments', async () => {
    const got = await collectChunks(
      mock.stream({ ...ask, tools: [{ name: 'other' }, WEATHER] }, never()),
    );
    expect(got.chunks[0]).toEqual({
      type: 'tool_call',
      index: 0,
      id: 'call_mock_1',
      name: 'other',
      argumentsDelta: '',
    });
    const args = got.chunks
      .map((c) => (c.type === 'tool_call' ? c.argumentsDelta : ''))
      .join('');
    expect(args).toBe('{"input":"Paris"}');
    expect(got.finish?.finishReason).toBe('tool_calls');
  });

  it('calls the tool tool_choice names, and none when it says none', () => {
    expect(
      MockProvider.toolCallFor({
        ...ask,
        tools: [{ name: 'other' }, WEATHER],
        toolChoice: { name: 'get_weather' },
      }),
    ).toEqual({
      id: 'call_mock_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(
      MockProvider.toolCallFor({
        ...ask,
        tools: [WEATHER],
        toolChoice: 'none',
      }),
    ).toBeUndefined();
  });

  it('answers a tool result with text that uses it', async () => {
    const got = await collectChunks(
      mock.stream(
        {
          messages: [
            ...ask.messages,
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ id: 'c', name: 'get_weather', arguments: '{}' }],
            },
            {
              role: 'tool',
              content: 'sunny',
              toolCallId: 'c',
              name: 'get_weather',
            },
          ],
          tools: [WEATHER],
        },
        never(),
      ),
    );
    expect(got.text).toBe('The tool get_weather returned: sunny');
    expect(got.finish?.finishReason).toBe('stop');
  });

  it('honours max_tokens (words) with finish length, and counts them as completion tokens', async () => {
    const got = await collectChunks(
      mock.stream({ ...ask, maxTokens: 2 }, never()),
    );
    expect(got.text).toBe('You said:');
    expect(got.finish).toMatchObject({
      finishReason: 'length',
      usage: { completionTokens: 2 },
    });
  });
});

describe('limitReply', () => {
  const pieces = splitIntoDeltas('one two three four');

  it('ends before the earliest stop sequence, even inside a word', () => {
    expect(limitReply(pieces, { stop: ['four', 'hre'] })).toEqual({
      pieces: ['one', ' two', ' t'],
      finishReason: 'stop',
    });
    expect(limitReply(pieces, { stop: ['one'] })).toEqual({
      pieces: [],
      finishReason: 'stop',
    });
  });

  it('leaves the reply whole when nothing applies', () => {
    expect(limitReply(pieces, { stop: ['zzz'], maxTokens: 4 })).toEqual({
      pieces,
      finishReason: 'stop',
    });
  });
});
