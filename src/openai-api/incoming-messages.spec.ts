import type { ChatCompletionMessageDto } from './dto/chat-completion-message.dto.js';
import { toIncomingMessages } from './incoming-messages.js';

const dto = (messages: object[]) => messages as ChatCompletionMessageDto[];

describe('toIncomingMessages', () => {
  it('joins text parts and keeps tool calls and results', () => {
    expect(
      toIncomingMessages(
        dto([
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'f', arguments: '{}' },
              },
            ],
          },
          { role: 'tool', content: 'r', tool_call_id: 'c1' },
        ]),
      ),
    ).toEqual([
      { role: 'user', content: 'a\nb' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
      },
      { role: 'tool', content: 'r', toolCallId: 'c1' },
    ]);
  });

  it('turns a legacy function_call and function turn into a call and its result', () => {
    const [, call, result] = toIncomingMessages(
      dto([
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: null,
          function_call: { name: 'f', arguments: '{}' },
        },
        { role: 'function', name: 'f', content: 'r' },
      ]),
    );
    expect(call.toolCalls).toEqual([
      { id: 'call_fn_1', name: 'f', arguments: '{}' },
    ]);
    expect(result).toEqual({
      role: 'tool',
      content: 'r',
      name: 'f',
      toolCallId: 'call_fn_1',
    });
  });
});
