import {
  OPENAI_PARAMETERS,
  type OpenAiParameter,
  type ParameterFate,
} from '../llm/providers/parameter-fate.js';
import type { LlmProviderName } from '../llm/providers/provider-names.js';
import { perProvider } from '../llm/providers/provider-registry.js';

export {
  OPENAI_PARAMETERS,
  type OpenAiParameter,
  type ParameterFate,
  type ValueRefusal,
} from '../llm/providers/parameter-fate.js';

/**
 * The fate of every parameter on every provider, each provider's column
 * taken from its definition (`src/llm/providers/<name>/<name>.definition.ts`):
 * the request policy refuses by it before any upstream call, the request
 * mappers build bodies that follow it, and the parameter table in
 * docs/openai-api.md is this table.
 */
export const PARAMETER_FATES = Object.fromEntries(
  OPENAI_PARAMETERS.map((parameter) => [
    parameter,
    perProvider((definition) => definition.fates[parameter]),
  ]),
) as Record<OpenAiParameter, Record<LlmProviderName, ParameterFate>>;

/** Why `value` of `parameter` is refused on `provider`, or undefined when it is taken. */
export function refusalOf(
  parameter: OpenAiParameter,
  value: unknown,
  provider: LlmProviderName,
): string | undefined {
  const fate = PARAMETER_FATES[parameter][provider];
  if (fate.fate === 'refuse') {
    return fate.unless?.(value) ? undefined : fate.reason;
  }
  return fate.refuses?.when(value) ? fate.refuses.reason : undefined;
}

/** A fate as the parameter table in docs/openai-api.md shows it. */
export function fateLabel(fate: ParameterFate): string {
  switch (fate.fate) {
    case 'forward':
      return fate.refuses
        ? `forwarded; refused: ${fate.refuses.reason}`
        : 'forwarded';
    case 'map':
      return fate.refuses
        ? `→ ${fate.to}; refused: ${fate.refuses.reason}`
        : `→ ${fate.to}`;
    case 'refuse':
      return `refused: ${fate.reason}`;
  }
}
