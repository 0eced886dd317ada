import { LlmError } from '../../llm-error.js';
import type { ChatMessage, LlmRequest } from '../../llm.types.js';
import { toOpenAiRequestBody } from './openai-request.mapper.js';

const OPTIONS = { model: 'm', alternatingTurns: false, maxInputChars: 1_000 };
const CALL = { id: 'c1', name: 'lookup', arguments: '{"q":"x"}' };
const TOOL_TURNS: ChatMessage[] = [
  { role: 'user', content: 'find x' },
  { role: 'assistant', content: '', toolCalls: [CALL] },
  { role: 'tool', content: 'x is 1', toolCallId: 'c1', name: 'lookup' },
];

describe('toOpenAiRequestBody', () => {
  it('streams with usage and sends only what the request carries', () => {
    expect(
      toOpenAiRequestBody(
        { messages: [{ role: 'user', content: 'hi' }], system: 'Be brief.' },
        OPTIONS,
      ),
    ).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('forwards every parameter under its OpenAI name, the token limit as the client named it', () => {
    const request: LlmRequest = {
      messages: [{ role: 'user', content: 'hi' }],
      userId: 'u',
      temperature: 0.5,
      topP: 0.9,
      maxTokens: 7,
      maxTokensField: 'max_tokens',
      stop: ['END'],
      seed: 1,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseFormat: { type: 'json_object' },
      tools: [{ name: 'lookup', description: 'd' }],
      toolChoice: { name: 'lookup' },
      parallelToolCalls: false,
      passthrough: { metadata: { a: 'b' }, store: false },
    };
    expect(toOpenAiRequestBody(request, OPTIONS)).toMatchObject({
      user: 'u',
      temperature: 0.5,
      top_p: 0.9,
      max_tokens: 7,
      stop: ['END'],
      seed: 1,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: 'json_object' },
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'd' } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      metadata: { a: 'b' },
      store: false,
    });
    const renamed = toOpenAiRequestBody(request, {
      ...OPTIONS,
      maxTokensField: 'max_completion_tokens',
    });
    expect(renamed).toMatchObject({ max_completion_tokens: 7 });
    expect(renamed).not.toHaveProperty('max_tokens');
  });

  it('sends tool calls and results in OpenAI form, also under the alternating rules', () => {
    const expected = [
      { role: 'user', content: 'find x' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"q":"x"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'x is 1' },
    ];
    for (const alternatingTurns of [false, true]) {
      expect(
        toOpenAiRequestBody(
          { messages: TOOL_TURNS },
          { ...OPTIONS, alternatingTurns },
        ).messages,
      ).toEqual(expected);
    }
  });

  it('trims the oldest exchanges past the input limit, and refuses a last one that cannot fit', () => {
    const old: ChatMessage[] = [
      { role: 'user', content: 'a'.repeat(40) },
      { role: 'assistant', content: 'b'.repeat(40) },
    ];
    const body = toOpenAiRequestBody(
      { messages: [...old, ...TOOL_TURNS] },
      { ...OPTIONS, maxInputChars: 60 },
    );
    expect(body.messages).toHaveLength(3);
    expect(() =>
      toOpenAiRequestBody(
        { messages: [{ role: 'user', content: 'x'.repeat(61) }] },
        { ...OPTIONS, maxInputChars: 60 },
      ),
    ).toThrow(LlmError);
  });
});
