import { LlmError } from '../../llm-error.js';
import type { LlmRequest } from '../../llm.types.js';
import { toErnieChatBody } from './ernie-request.mapper.js';

const TOOL = {
  name: 'lookup',
  description: 'd',
  parameters: { type: 'object' },
};
const hello: LlmRequest = { messages: [{ role: 'user', content: 'hi' }] };

describe('toErnieChatBody', () => {
  it('streams a plain request, mapping OpenAI parameters to ERNIE fields', () => {
    expect(
      toErnieChatBody(
        {
          ...hello,
          system: 'Be brief.',
          userId: 'u',
          temperature: 1.6,
          topP: 0.5,
          frequencyPenalty: 1,
          stop: ['END'],
          maxTokens: 9,
          responseFormat: { type: 'json_object' },
        },
        1_000,
      ),
    ).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      system: 'Be brief.',
      user_id: 'u',
      temperature: 1,
      top_p: 0.5,
      penalty_score: 1.5,
      stop: ['END'],
      max_output_tokens: 9,
      response_format: 'json_object',
    });
  });

  it('sends tools as functions without streaming, a named choice as tool_choice', () => {
    expect(
      toErnieChatBody(
        { ...hello, tools: [TOOL], toolChoice: { name: 'lookup' } },
        1_000,
      ),
    ).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      functions: [TOOL],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(
      toErnieChatBody({ ...hello, tools: [TOOL], toolChoice: 'none' }, 1_000),
    ).toEqual({ messages: [{ role: 'user', content: 'hi' }], stream: true });
  });

  it('maps a call and its result to function_call and a function turn', () => {
    const body = toErnieChatBody(
      {
        messages: [
          { role: 'user', content: 'find x' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'c', name: 'lookup', arguments: '{}' }],
          },
          { role: 'tool', content: '1', toolCallId: 'c', name: 'lookup' },
        ],
        tools: [TOOL],
      },
      1_000,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'find x' },
      {
        role: 'assistant',
        content: '',
        function_call: { name: 'lookup', arguments: '{}' },
      },
      { role: 'function', name: 'lookup', content: '1' },
    ]);
  });

  it('refuses several calls in one assistant turn (ERNIE takes one)', () => {
    const call = { id: 'c', name: 'lookup', arguments: '{}' };
    expect(() =>
      toErnieChatBody(
        {
          messages: [
            { role: 'user', content: 'q' },
            {
              role: 'assistant',
              content: '',
              toolCalls: [call, { ...call, id: 'd' }],
            },
            { role: 'tool', content: '1', toolCallId: 'c', name: 'lookup' },
            { role: 'tool', content: '2', toolCallId: 'd', name: 'lookup' },
          ],
        },
        1_000,
      ),
    ).toThrow(LlmError);
  });
});
