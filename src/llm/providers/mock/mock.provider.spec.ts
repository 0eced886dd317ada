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

  it('fills every required property of the tool, each with a value of its type', () => {
    const call = MockProvider.toolCallFor({
      ...ask,
      tools: [
        {
          name: 'book',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              nights: { type: 'integer', minimum: 1 },
              late: { type: 'boolean' },
            },
            required: ['city', 'nights', 'late'],
          },
        },
      ],
    });
    expect(JSON.parse(call!.arguments)).toEqual({
      city: 'Paris',
      nights: 5,
      late: false,
    });
  });

  it('answers JSON that fits the schema when asked for it, deterministically', async () => {
    const request: LlmRequest = {
      ...ask,
      responseFormat: {
        type: 'json_schema',
        json_schema: {
          name: 'w',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    };
    const text = async () =>
      (await collectChunks(mock.stream(request, never()))).text;
    expect(JSON.parse(await text())).toEqual({ city: 'Paris' });
    expect(await text()).toBe(await text());
    const asObject = await collectChunks(
      mock.stream({ ...ask, responseFormat: { type: 'json_object' } }, never()),
    );
    expect(JSON.parse(asObject.text)).toEqual({
      reply: MockProvider.replyTo(ask),
    });
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
