import { GATEWAY_FATES } from '../parameter-fate.js';
import { PROVIDER_CREDENTIALS } from '../provider-credentials.js';
import { required, type ProviderDefinition } from '../provider-definition.js';

/** Any endpoint that speaks OpenAI's Chat Completions protocol. */
export const openAiProvider: ProviderDefinition<'openai'> = {
  name: 'openai',
  defaults: (env) => ({
    upstreamModel: env.OPENAI_MODEL,
    baseUrl: env.OPENAI_BASE_URL,
    authBaseUrl: env.OPENAI_BASE_URL,
    maxInputChars: env.OPENAI_MAX_INPUT_CHARS,
    delayMs: 0,
  }),
  credentials: PROVIDER_CREDENTIALS.openai,
  fates: GATEWAY_FATES,
  create: async (deployment, { policy }) => {
    const { OpenAiCompatibleProvider } =
      await import('./openai-compatible.provider.js');
    return new OpenAiCompatibleProvider({
      name: 'openai',
      label: 'the OpenAI-compatible API',
      apiKey: required(deployment, 'apiKey'),
      baseURL: deployment.baseUrl,
      model: deployment.upstreamModel,
      connectTimeoutMs: policy.connectTimeoutMs,
      alternatingTurns: false,
      maxInputChars: deployment.maxInputChars,
    });
  },
};
