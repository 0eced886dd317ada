import type { AppConfig } from '../config/app-config.service.js';
import type { LlmProviderName } from '../config/env.schema.js';
import type { LlmProvider } from './llm-provider.js';
import type { LlmCallPolicy } from './llm.types.js';
import { MockProvider } from './providers/mock/mock.provider.js';

export interface ProviderFactoryContext {
  config: AppConfig;
  policy: LlmCallPolicy;
}

/**
 * How each `LLM_PROVIDER` value is built. A table rather than a chain of
 * `if`s: adding a provider is adding a row, and the compiler checks that every
 * name has one.
 */
export const PROVIDER_FACTORIES: Record<
  LlmProviderName,
  (ctx: ProviderFactoryContext) => LlmProvider
> = {
  mock: ({ config }) =>
    new MockProvider({ delayMs: config.get('MOCK_DELAY_MS', { infer: true }) }),
};
