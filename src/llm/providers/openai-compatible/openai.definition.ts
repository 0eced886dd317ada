import { GATEWAY_FATES } from '../../../request-policy/parameter-fate.js';
import { required, type ProviderDefinition } from '../provider-definition.js';
import { OpenAiCompatibleProvider } from './openai-compatible.provider.js';

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
  credentials: { apiKeyEnv: 'OPENAI_API_KEY', requires: ['apiKeyEnv'] },
  fates: GATEWAY_FATES,
  create: (deployment, { policy }) =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      label: 'the OpenAI-compatible API',
      apiKey: required(deployment, 'apiKey'),
      baseURL: deployment.baseUrl,
      model: deployment.upstreamModel,
      connectTimeoutMs: policy.connectTimeoutMs,
      alternatingTurns: false,
      maxInputChars: deployment.maxInputChars,
    }),
};
