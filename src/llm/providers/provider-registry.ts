import { ernieProvider } from './ernie/ernie.definition.js';
import { mockProvider } from './mock/mock.definition.js';
import { openAiProvider } from './openai-compatible/openai.definition.js';
import type { ProviderDefinition } from './provider-definition.js';
import { LLM_PROVIDERS, type LlmProviderName } from './provider-names.js';
import { qianfanProvider } from './qianfan/qianfan.definition.js';

/**
 * Every provider's definition, by name. Adding a provider is its class, its
 * definition file, its name in `provider-names.ts` and one line here: the
 * `satisfies` makes the compiler demand a definition for every name, and
 * each table keyed by provider is derived from this one.
 */
export const PROVIDER_DEFINITIONS = {
  mock: mockProvider,
  ernie: ernieProvider,
  qianfan: qianfanProvider,
  openai: openAiProvider,
} as const satisfies { [Name in LlmProviderName]: ProviderDefinition<Name> };

/** A table keyed by provider, one entry from each definition, in LLM_PROVIDERS' order. */
export const perProvider = <T>(
  entry: (definition: ProviderDefinition<LlmProviderName>) => T,
): Record<LlmProviderName, T> =>
  Object.fromEntries(
    LLM_PROVIDERS.map((name) => [name, entry(PROVIDER_DEFINITIONS[name])]),
  ) as Record<LlmProviderName, T>;
