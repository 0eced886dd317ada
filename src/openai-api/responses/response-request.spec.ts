import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { fieldRefusal } from '../../../test/support/field-refusal.js';
import { toGenerationOptions } from '../../request-policy/generation-options.js';
import { withFieldNames } from '../../request-policy/invalid-field.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import {
  echoOf,
  generationOptionsOf,
  refuseUnsupported,
  responseFieldName,
} from './response-request.js';

const dto = (body: Record<string, unknown>) =>
  plainToInstance(CreateResponseDto, { model: 'm', input: 'Hi', ...body });
const TOOL = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };

describe('generationOptionsOf', () => {
  it('gives the parameters their chat completions names, for one table of fates', () => {
    expect(
      generationOptionsOf(
        dto({
          temperature: 0.2,
          top_p: 0.9,
          max_output_tokens: 50,
          user: 'u1',
          parallel_tool_calls: false,
          tools: [TOOL],
          tool_choice: { type: 'function', name: 'get_weather' },
          text: {
            format: {
              type: 'json_schema',
              name: 'x',
              schema: SCHEMA,
              strict: true,
            },
            verbosity: 'low',
          },
          reasoning: { effort: 'low' },
          service_tier: 'default',
          metadata: { a: 'b' },
          store: true,
        }),
      ),
    ).toEqual({
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      user: 'u1',
      parallel_tool_calls: false,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: TOOL.parameters },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: SCHEMA, strict: true },
      },
      verbosity: 'low',
      reasoning_effort: 'low',
      service_tier: 'default',
    });
  });

  it('maps json_object and text formats, and sends nothing for what was not asked', () => {
    expect(
      generationOptionsOf(dto({ text: { format: { type: 'json_object' } } })),
    ).toEqual({
      response_format: { type: 'json_object' },
    });
    expect(generationOptionsOf(dto({}))).toEqual({});
  });

  it('refuses under the Responses name what a provider cannot honour', () => {
    const refusal = fieldRefusal(() =>
      withFieldNames(
        () =>
          toGenerationOptions(
            generationOptionsOf(
              dto({
                text: {
                  format: { type: 'json_schema', name: 'x', schema: SCHEMA },
                },
              }),
            ),
            'ernie',
          ),
        responseFieldName,
      ),
    );
    expect(refusal).toMatchObject({
      field: 'text.format',
      rule: 'isSupportedByProvider',
    });
    expect(refusal.message).toMatch(
      /^text\.format is not supported with the ernie provider/,
    );
  });
});

describe('refuseUnsupported', () => {
  it.each([
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ include: ['reasoning.encrypted_content'] }, 'include'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
    [{ truncation: 'auto' }, 'truncation'],
    [{ reasoning: { summary: 'auto' } }, 'reasoning.summary'],
  ])('refuses %j by name', (body, field) => {
    expect(fieldRefusal(() => refuseUnsupported(dto(body)))).toMatchObject({
      field,
      rule: 'isSupportedByGateway',
    });
  });

  it('takes the values that ask for nothing', () => {
    expect(() =>
      refuseUnsupported(
        dto({
          background: false,
          include: [],
          truncation: 'disabled',
          conversation: null,
        }),
      ),
    ).not.toThrow();
  });
});

describe('CreateResponseDto', () => {
  const errors = (body: Record<string, unknown>) =>
    validateSync(dto(body), { whitelist: true }).flatMap((error) => [
      error.property,
      ...(error.children ?? []).flatMap((child) => [
        `${error.property}.${child.property}`,
        ...(child.children ?? []).map(
          (c) => `${error.property}.${child.property}.${c.property}`,
        ),
      ]),
    ]);

  it('takes a string, or items of each supported type', () => {
    expect(errors({})).toEqual([]);
    expect(
      errors({
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: 'r' },
          { type: 'item_reference', id: 'msg_1' },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses a built-in tool and an unsupported item by their type', () => {
    expect(errors({ tools: [{ type: 'web_search' }] })).toContain(
      'tools.0.type',
    );
    expect(
      errors({ input: [{ type: 'computer_call_output', call_id: 'c' }] }),
    ).toContain('input.0.type');
    expect(
      errors({
        input: [
          { role: 'user', content: [{ type: 'input_file', file_id: 'f' }] },
        ],
      }),
    ).toContain('input.0.content');
  });
});

describe('echoOf', () => {
  it("repeats OpenAI's defaults for what was not sent", () => {
    expect(echoOf(dto({}), true)).toEqual({
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
    });
  });
});
