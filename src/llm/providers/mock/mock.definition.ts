import { GATEWAY_FATES } from '../parameter-fate.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { MockProvider } from './mock.provider.js';

/** The offline model: no upstream, no credentials; it receives what OpenAI would. */
export const mockProvider: ProviderDefinition<'mock'> = {
  name: 'mock',
  defaults: (env) => ({
    upstreamModel: 'mock-echo-1',
    baseUrl: 'http://mock.invalid',
    authBaseUrl: 'http://mock.invalid',
    maxInputChars: 1_000_000,
    delayMs: env.MOCK_DELAY_MS,
  }),
  credentials: { requires: [] },
  fates: GATEWAY_FATES,
  create: (deployment) => new MockProvider({ delayMs: deployment.delayMs }),
};
