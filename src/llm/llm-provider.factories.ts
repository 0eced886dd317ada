import type { AppConfig } from '../config/app-config.service.js';
import type { LlmProviderName } from '../config/env.schema.js';
import type { LlmProvider } from './llm-provider.js';
import type { LlmCallPolicy } from './llm.types.js';
import { ErnieAccessTokenSource } from './providers/ernie/ernie-access-token-source.js';
import { ErnieProvider } from './providers/ernie/ernie.provider.js';
import { joinUrl } from './providers/http/fetch-upstream.js';
import { MockProvider } from './providers/mock/mock.provider.js';
import { OpenAiCompatibleProvider } from './providers/openai-compatible/openai-compatible.provider.js';
import type { AccessTokenStore } from './token-store/access-token-store.js';

export interface ProviderFactoryContext {
  config: AppConfig;
  policy: LlmCallPolicy;
  /** Where access tokens are cached (shared across instances when Redis-backed). */
  tokenStore: AccessTokenStore;
}

/**
 * Credentials are checked at start-up (validate-env.ts), so the factories
 * only read them; `required` turns a broken invariant into a clear error.
 */
function required(
  config: AppConfig,
  name:
    'ERNIE_API_KEY' | 'ERNIE_SECRET_KEY' | 'QIANFAN_API_KEY' | 'OPENAI_API_KEY',
): string {
  const value = config.get(name, { infer: true });
  if (!value) throw new Error(`${name} is not set`);
  return value;
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

  ernie: ({ config, policy, tokenStore }) =>
    new ErnieProvider(
      {
        baseUrl: config.get('ERNIE_BASE_URL', { infer: true }),
        modelEndpoint: config.get('ERNIE_MODEL_ENDPOINT', { infer: true }),
        maxInputChars: config.get('ERNIE_MAX_INPUT_CHARS', { infer: true }),
        connectTimeoutMs: policy.connectTimeoutMs,
      },
      new ErnieAccessTokenSource(
        {
          apiKey: required(config, 'ERNIE_API_KEY'),
          secretKey: required(config, 'ERNIE_SECRET_KEY'),
          authBaseUrl: config.get('ERNIE_AUTH_BASE_URL', { infer: true }),
        },
        tokenStore,
        { timeoutMs: policy.connectTimeoutMs },
      ),
    ),

  qianfan: ({ config, policy }) => {
    const appId = config.get('QIANFAN_APP_ID', { infer: true });
    return new OpenAiCompatibleProvider({
      name: 'qianfan',
      label: 'the Qianfan API',
      apiKey: required(config, 'QIANFAN_API_KEY'),
      baseURL: joinUrl(config.get('QIANFAN_BASE_URL', { infer: true }), '/v2'),
      model: config.get('QIANFAN_MODEL', { infer: true }),
      defaultHeaders: appId ? { appid: appId } : undefined,
      connectTimeoutMs: policy.connectTimeoutMs,
      alternatingTurns: true,
      maxInputChars: config.get('QIANFAN_MAX_INPUT_CHARS', { infer: true }),
      // Qianfan v2 documents only the newer name (PARAMETER_FATES maps to it).
      maxTokensField: 'max_completion_tokens',
    });
  },

  openai: ({ config, policy }) =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      label: 'the OpenAI-compatible API',
      apiKey: required(config, 'OPENAI_API_KEY'),
      baseURL: config.get('OPENAI_BASE_URL', { infer: true }),
      model: config.get('OPENAI_MODEL', { infer: true }),
      connectTimeoutMs: policy.connectTimeoutMs,
      alternatingTurns: false,
      maxInputChars: config.get('OPENAI_MAX_INPUT_CHARS', { infer: true }),
    }),
};
