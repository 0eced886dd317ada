import { fieldRefusal } from '../../test/support/field-refusal.js';
import type { GenerationOptionsDto } from './dto/generation-options.dto.js';
import { toGenerationOptions } from './generation-options.js';

const TOOL = {
  type: 'function' as const,
  function: { name: 'lookup', parameters: { type: 'object' } },
};
const options = (dto: Partial<GenerationOptionsDto>) =>
  dto as GenerationOptionsDto;

describe('toGenerationOptions', () => {
  it('maps OpenAI names to the neutral request, keeping the token-limit name the client used', () => {
    expect(
      toGenerationOptions(
        options({
          temperature: 0.2,
          top_p: 0.9,
          max_tokens: 10,
          stop: 'END',
          seed: 3,
          presence_penalty: 0.1,
          frequency_penalty: 0.2,
          user: 'u1',
          response_format: { type: 'json_object' },
          tools: [TOOL],
          tool_choice: { type: 'function', function: { name: 'lookup' } },
          parallel_tool_calls: true,
          metadata: { a: 'b' },
        }),
        'openai',
      ),
    ).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 10,
      maxTokensField: 'max_tokens',
      stop: ['END'],
      seed: 3,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      userId: 'u1',
      responseFormat: { type: 'json_object' },
      tools: [{ name: 'lookup', parameters: { type: 'object' } }],
      toolChoice: { name: 'lookup' },
      parallelToolCalls: true,
      passthrough: { metadata: { a: 'b' } },
    });
  });

  it('turns legacy functions into tools, one call per reply', () => {
    expect(
      toGenerationOptions(
        options({ functions: [TOOL.function], function_call: 'auto' }),
        'mock',
      ),
    ).toEqual({
      tools: [{ name: 'lookup', parameters: { type: 'object' } }],
      toolChoice: 'auto',
      parallelToolCalls: false,
    });
  });

  it.each<
    [
      string,
      Partial<GenerationOptionsDto>,
      'mock' | 'ernie' | 'qianfan',
      string,
      string,
    ]
  >([
    ['seed on ERNIE', { seed: 1 }, 'ernie', 'seed', 'isSupportedByProvider'],
    [
      'logit_bias on Qianfan',
      { logit_bias: { '1': 1 } },
      'qianfan',
      'logit_bias',
      'isSupportedByProvider',
    ],
    ['n above 1', { n: 2 }, 'mock', 'n', 'isSupportedByProvider'],
    [
      'tools with functions',
      { tools: [TOOL], functions: [TOOL.function] },
      'mock',
      'functions',
      'conflictsWithTools',
    ],
    [
      'a tool declared twice',
      { tools: [TOOL, TOOL] },
      'mock',
      'tools',
      'uniqueNames',
    ],
    [
      'tool_choice without tools',
      { tool_choice: 'auto' },
      'mock',
      'tool_choice',
      'requiresTools',
    ],
    [
      'function_call without functions',
      { function_call: 'auto' },
      'mock',
      'function_call',
      'requiresTools',
    ],
    [
      'a choice of an undeclared tool',
      {
        tools: [TOOL],
        tool_choice: { type: 'function', function: { name: 'other' } },
      },
      'mock',
      'tool_choice',
      'isDeclaredTool',
    ],
  ])('refuses %s', (_what, dto, provider, field, rule) => {
    expect(
      fieldRefusal(() => toGenerationOptions(options(dto), provider)),
    ).toMatchObject({ field, rule });
  });

  it('names the provider in a refusal', () => {
    expect(() => toGenerationOptions(options({ seed: 1 }), 'ernie')).toThrow(
      /^seed is not supported with the ernie provider/,
    );
  });
});
