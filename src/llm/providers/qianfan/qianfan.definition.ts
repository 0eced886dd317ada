import { GATEWAY_FATES, refuseOpenAiOnly } from '../parameter-fate.js';
import { joinUrl } from '../http/upstream-request.js';
import { PROVIDER_CREDENTIALS } from '../provider-credentials.js';
import { required, type ProviderDefinition } from '../provider-definition.js';

/** Baidu's Qianfan v2 API: OpenAI's protocol, with turns that must alternate. */
export const qianfanProvider: ProviderDefinition<'qianfan'> = {
  name: 'qianfan',
  defaults: (env) => ({
    upstreamModel: env.QIANFAN_MODEL,
    baseUrl: env.QIANFAN_BASE_URL,
    authBaseUrl: env.QIANFAN_BASE_URL,
    maxInputChars: env.QIANFAN_MAX_INPUT_CHARS,
    delayMs: 0,
  }),
  credentials: PROVIDER_CREDENTIALS.qianfan,
  fates: {
    ...GATEWAY_FATES,
    ...refuseOpenAiOnly('Qianfan v2 has no such parameter'),
    max_tokens: { fate: 'map', to: 'max_completion_tokens' },
  },
  create: async (deployment, { policy }) => {
    const { OpenAiCompatibleProvider } =
      await import('../openai-compatible/openai-compatible.provider.js');
    const appId = deployment.credentials.appId;
    return new OpenAiCompatibleProvider({
      name: 'qianfan',
      label: 'the Qianfan API',
      apiKey: required(deployment, 'apiKey'),
      baseURL: joinUrl(deployment.baseUrl, '/v2'),
      model: deployment.upstreamModel,
      defaultHeaders: appId ? { appid: appId } : undefined,
      connectTimeoutMs: policy.connectTimeoutMs,
      alternatingTurns: true,
      maxInputChars: deployment.maxInputChars,
      // Qianfan v2 documents only the newer name (its fates map to it).
      maxTokensField: 'max_completion_tokens',
    });
  },
};
