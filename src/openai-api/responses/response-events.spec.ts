import { ResponseEventFormat, type ResponseEvent } from './response-events.js';
import { ResponseFormat } from './response-format.js';
import { asWireEvent, ECHO } from './response-format.spec.js';

const CALL = {
  id: 'call_1',
  name: 'get_weather',
  arguments: '{"city":"Paris"}',
};

function stream() {
  const format = new ResponseFormat('mock-echo-1', ECHO);
  return { format, events: new ResponseEventFormat(format) };
}

/** The events' types, each once per line, to read the order at a glance. */
const types = (events: ResponseEvent[]) =>
  events.map((event) => asWireEvent(event).type);

describe('ResponseEventFormat', () => {
  it('streams a text reply with OpenAI events in OpenAI order, numbered from 0', () => {
    const { format, events } = stream();
    const all = [
      ...events.text('Hel'),
      ...events.text('lo'),
      ...events.finish({
        text: 'Hello',
        toolCalls: [],
        finishReason: 'stop',
        usage: { promptTokens: 2, completionTokens: 2, totalTokens: 4 },
        model: 'mock-echo-1',
      }).events,
    ];
    expect(types(all)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all.map((event) => event.sequence_number)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const itemId = `msg_${format.id.slice(5)}_0`;
    expect(all[2]).toMatchObject({
      output_index: 0,
      item: { id: itemId, type: 'message', status: 'in_progress', content: [] },
    });
    expect(all[4]).toMatchObject({
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: 'Hel',
    });
    expect(all[6]).toMatchObject({ item_id: itemId, text: 'Hello' });
    expect(all[8]).toMatchObject({
      item: {
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello' }],
      },
    });
    expect(all[9]).toMatchObject({
      response: {
        id: format.id,
        status: 'completed',
        usage: { total_tokens: 4 },
      },
    });
    expect(all[0]).toMatchObject({
      response: { status: 'in_progress', output: [] },
    });
  });

  it('streams a call as a function_call item with its arguments in pieces', () => {
    const { events } = stream();
    const all = [
      ...events.toolCall({
        type: 'tool_call',
        index: 0,
        id: 'call_1',
        name: 'get_weather',
        argumentsDelta: '',
      }),
      ...events.toolCall({
        type: 'tool_call',
        index: 0,
        argumentsDelta: '{"city":',
      }),
      ...events.toolCall({
        type: 'tool_call',
        index: 0,
        argumentsDelta: '"Paris"}',
      }),
      ...events.finish({
        text: '',
        toolCalls: [CALL],
        finishReason: 'tool_calls',
        model: 'm',
      }).events,
    ];
    expect(types(all)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all[2]).toMatchObject({
      item: {
        type: 'function_call',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '',
        status: 'in_progress',
      },
    });
    expect(all[5]).toMatchObject({
      name: 'get_weather',
      arguments: CALL.arguments,
    });
    expect(all[7]).toMatchObject({
      response: {
        output: [
          {
            type: 'function_call',
            arguments: CALL.arguments,
            status: 'completed',
          },
        ],
      },
    });
  });

  it('numbers text and calls by their place in the output, closing them in that order', () => {
    const { events } = stream();
    events.text('Checking.');
    events.toolCall({
      type: 'tool_call',
      index: 0,
      id: 'call_1',
      name: 'a',
      argumentsDelta: '{}',
    });
    const second = events.toolCall({
      type: 'tool_call',
      index: 1,
      id: 'call_2',
      name: 'b',
      argumentsDelta: '{}',
    });
    expect(second[0]).toMatchObject({ output_index: 2 });
    const { response } = events.finish({
      text: 'Checking.',
      toolCalls: [
        { id: 'call_1', name: 'a', arguments: '{}' },
        { id: 'call_2', name: 'b', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      model: 'm',
    });
    expect(response.output.map((item) => item.type)).toEqual([
      'message',
      'function_call',
      'function_call',
    ]);
  });

  it('answers an empty reply with an empty message, and a cut one with response.incomplete', () => {
    const { events } = stream();
    const { events: end, response } = events.finish({
      text: '',
      toolCalls: [],
      finishReason: 'length',
      model: 'm',
    });
    expect(types(end)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });

  it('ends a failed reply with an error event, then response.failed carrying the error', () => {
    const { events } = stream();
    events.text('Par');
    const failed = events.fail({
      code: 'upstream_unavailable',
      message: 'The upstream went away.',
    });
    expect(failed).toEqual([
      {
        type: 'error',
        sequence_number: 5,
        code: 'upstream_unavailable',
        message: 'The upstream went away.',
        param: null,
      },
      expect.objectContaining({
        type: 'response.failed',
        sequence_number: 6,
        response: expect.objectContaining({
          status: 'failed',
          error: {
            code: 'server_error',
            message: 'The upstream went away.',
          },
          output: [
            expect.objectContaining({ type: 'message', status: 'incomplete' }),
          ],
        }),
      }),
    ]);
  });
});
