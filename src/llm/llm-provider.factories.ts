import type { LlmProviderName } from './providers/provider-names.js';
import type { Deployment } from './catalogue/deployment.js';
import type { LlmProvider } from './llm-provider.js';
import type { ProviderFactoryContext } from './providers/provider-definition.js';
import { perProvider } from './providers/provider-registry.js';

export type { ProviderFactoryContext } from './providers/provider-definition.js';

/**
 * How each provider name is built for one deployment of the catalogue: a
 * table rather than a chain of `if`s, taken from each provider's definition
 * (`providers/provider-registry.ts`).
 */
export const PROVIDER_FACTORIES: Record<
  LlmProviderName,
  (
    deployment: Deployment,
    ctx: ProviderFactoryContext,
  ) => LlmProvider | Promise<LlmProvider>
> = perProvider((definition) => definition.create);
