import { readFileSync } from 'node:fs';
import {
  fateLabel,
  OPENAI_PARAMETERS,
  PARAMETER_FATES,
  refusalOf,
} from './parameter-fates.js';
import { LLM_PROVIDERS } from '../llm/providers/provider-names.js';

describe('PARAMETER_FATES', () => {
  it('refuses by value where a provider takes the parameter but not every value', () => {
    expect(refusalOf('n', 1, 'openai')).toBeUndefined();
    expect(refusalOf('n', 2, 'openai')).toMatch(/one choice/);
    expect(refusalOf('logprobs', false, 'ernie')).toBeUndefined();
    expect(refusalOf('logprobs', true, 'mock')).toBeDefined();
    expect(refusalOf('frequency_penalty', 1, 'ernie')).toBeUndefined();
    expect(refusalOf('frequency_penalty', -1, 'ernie')).toBeDefined();
    expect(refusalOf('frequency_penalty', -1, 'qianfan')).toBeUndefined();
    expect(refusalOf('tool_choice', 'required', 'ernie')).toBeDefined();
    expect(refusalOf('tool_choice', 'required', 'qianfan')).toBeUndefined();
    expect(
      refusalOf('response_format', { type: 'json_schema' }, 'ernie'),
    ).toBeDefined();
    expect(refusalOf('modalities', ['text'], 'openai')).toBeUndefined();
    expect(refusalOf('modalities', ['text', 'audio'], 'openai')).toBeDefined();
  });

  it('refuses OpenAI-only parameters on ERNIE and Qianfan, and forwards them on OpenAI', () => {
    for (const parameter of ['logit_bias', 'metadata', 'store'] as const) {
      expect(refusalOf(parameter, {}, 'ernie')).toBeDefined();
      expect(refusalOf(parameter, {}, 'qianfan')).toBeDefined();
      expect(refusalOf(parameter, {}, 'openai')).toBeUndefined();
    }
  });

  it('is the table in docs/openai-api.md, row for row', () => {
    const readme = readFileSync(
      new URL('../../docs/openai-api.md', import.meta.url),
      'utf8',
    );
    // A column for every provider of the registry, in its order.
    expect(readme).toContain(
      `| parameter | ${LLM_PROVIDERS.map((p) => `\`${p}\``).join(' | ')} |`,
    );
    for (const parameter of OPENAI_PARAMETERS) {
      const cells = LLM_PROVIDERS.map((provider) =>
        fateLabel(PARAMETER_FATES[parameter][provider]),
      );
      expect(readme).toContain(`| \`${parameter}\` | ${cells.join(' | ')} |`);
    }
  });
});
