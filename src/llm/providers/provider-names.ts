/**
 * Every provider the gateway can call, in the order LLM_PROVIDER's
 * validation message and the parameter table list them. This file imports
 * nothing, so the configuration can name the providers without loading any
 * of them; `provider-registry.ts` must hold a definition for each name (its
 * `satisfies` makes the compiler check it).
 */
export const LLM_PROVIDERS = ['mock', 'ernie', 'qianfan', 'openai'] as const;

export type LlmProviderName = (typeof LLM_PROVIDERS)[number];
