import { ernieProvider } from './ernie/ernie.definition.js';
import { mockProvider } from './mock/mock.definition.js';
import { openAiProvider } from './openai-compatible/openai.definition.js';
import type { ProviderDefinition } from './provider-definition.js';
import { qianfanProvider } from './qianfan/qianfan.definition.js';

/**
 * Every provider the gateway can call, in the order LLM_PROVIDER's
 * validation message and the parameter table list them. Adding a provider is
 * its class, its definition file and one line here: each table keyed by
 * provider is derived from this list, and the compiler checks the
 * definition is complete.
 */
export const PROVIDER_DEFINITIONS = [
  mockProvider,
  ernieProvider,
  qianfanProvider,
  openAiProvider,
] as const;

export type LlmProviderName = (typeof PROVIDER_DEFINITIONS)[number]['name'];

export const LLM_PROVIDERS: readonly LlmProviderName[] =
  PROVIDER_DEFINITIONS.map((definition) => definition.name);

/** A table keyed by provider, one entry from each definition. */
export const perProvider = <T>(
  entry: (definition: ProviderDefinition<LlmProviderName>) => T,
): Record<LlmProviderName, T> =>
  Object.fromEntries(
    PROVIDER_DEFINITIONS.map((definition) => [
      definition.name,
      entry(definition),
    ]),
  ) as Record<LlmProviderName, T>;
