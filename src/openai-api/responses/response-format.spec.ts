import type {
  Response,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { ResponseObjectDto } from './dto/response-object.dto.js';
import type { ResponseEvent } from './response-events.js';
import {
  itemAddress,
  ResponseFormat,
  type ResponseEcho,
} from './response-format.js';

/** The SDK's shapes are the ground truth: `output_text` is the SDK's own addition. */
type WireResponse = Omit<Response, 'output_text'>;
export type WireEvent = ResponseStreamEvent extends infer E
  ? E extends { response: Response }
    ? Omit<E, 'response'> & { response: WireResponse }
    : E
  : never;
// Compile-time checks: every object built here is one the SDK can type.
export const asWire = (response: ResponseObjectDto): WireResponse => response;
export const asWireEvent = (event: ResponseEvent): WireEvent => event;

export const ECHO: ResponseEcho = {
  instructions: null,
  max_output_tokens: null,
  metadata: null,
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: true,
  temperature: null,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_p: null,
};

const CALL = {
  id: 'call_1',
  name: 'get_weather',
  arguments: '{"city":"Paris"}',
};
const USAGE = { promptTokens: 5, completionTokens: 3, totalTokens: 8 };

describe('ResponseFormat', () => {
  it('builds a completed response: the text as one message, then one item per call, usage in OpenAI names', () => {
    const format = new ResponseFormat('asked', ECHO);
    const outcome = {
      text: 'Let me look.',
      toolCalls: [CALL],
      finishReason: 'tool_calls',
      usage: USAGE,
      model: 'mock-echo-1',
    };
    const response = asWire(format.finished(outcome, format.outputOf(outcome)));
    expect(response).toMatchObject({
      id: format.id,
      object: 'response',
      status: 'completed',
      model: 'mock-echo-1',
      error: null,
      incomplete_details: null,
      output: [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [
            { type: 'output_text', text: 'Let me look.', annotations: [] },
          ],
        },
        {
          type: 'function_call',
          status: 'completed',
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
      ],
      usage: {
        input_tokens: 5,
        output_tokens: 3,
        total_tokens: 8,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(response.completed_at).toBeGreaterThanOrEqual(response.created_at);
  });

  it('leaves out the message when the reply only calls functions', () => {
    const format = new ResponseFormat('m', ECHO);
    const output = format.outputOf({
      text: '',
      toolCalls: [CALL],
      finishReason: 'tool_calls',
      model: 'm',
    });
    expect(output.map((item) => item.type)).toEqual(['function_call']);
  });

  it('marks a reply cut by the token limit incomplete, naming max_output_tokens', () => {
    const format = new ResponseFormat('m', ECHO);
    const outcome = {
      text: 'Half',
      toolCalls: [],
      finishReason: 'length',
      model: 'm',
    };
    expect(format.finished(outcome, format.outputOf(outcome))).toMatchObject({
      status: 'incomplete',
      completed_at: null,
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ status: 'incomplete' }],
    });
  });

  it('gives each item an id that leads back to its response and place', () => {
    const format = new ResponseFormat('m', ECHO);
    const [message, call] = format.outputOf({
      text: 'Hi',
      toolCalls: [CALL],
      finishReason: 'tool_calls',
      model: 'm',
    });
    expect(itemAddress(message.id)).toEqual({
      responseId: format.id,
      outputIndex: 0,
    });
    expect(itemAddress(call.id)).toEqual({
      responseId: format.id,
      outputIndex: 1,
    });
    expect(itemAddress('msg_elsewhere')).toBeUndefined();
  });

  it('repeats the request settings', () => {
    const format = new ResponseFormat('m', {
      ...ECHO,
      instructions: 'Be brief.',
      temperature: 0.3,
      metadata: { a: 'b' },
      service_tier: 'default',
    });
    expect(format.response('in_progress', [])).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.3,
      metadata: { a: 'b' },
      service_tier: 'default',
      truncation: 'disabled',
    });
  });
});
