import type { LlmProviderName } from '../config/env.schema.js';
import type { Deployment } from './catalogue/deployment.js';
import type { LlmProvider } from './llm-provider.js';
import type { LlmCallPolicy } from './llm.types.js';
import { ErnieAccessTokenSource } from './providers/ernie/ernie-access-token-source.js';
import { ErnieProvider } from './providers/ernie/ernie.provider.js';
import { joinUrl } from './providers/http/fetch-upstream.js';
import { MockProvider } from './providers/mock/mock.provider.js';
import { OpenAiCompatibleProvider } from './providers/openai-compatible/openai-compatible.provider.js';
import type { AccessTokenStore } from './token-store/access-token-store.js';

export interface ProviderFactoryContext {
  policy: LlmCallPolicy;
  /** Where access tokens are cached (shared across instances when Redis-backed), keyed per credential. */
  tokenStore: AccessTokenStore;
}

/**
 * The catalogue loader checks that required credentials are set, so the
 * factories only read them; `required` turns a broken invariant into a
 * clear error naming the deployment, never the value.
 */
function required(
  deployment: Deployment,
  field: 'apiKey' | 'secretKey',
): string {
  const value = deployment.credentials[field];
  if (!value) throw new Error(`${deployment.name}: ${field} is not set`);
  return value;
}

/**
 * How each provider name is built for one deployment of the catalogue. A
 * table rather than a chain of `if`s: adding a provider is adding a row, and
 * the compiler checks that every name has one.
 */
export const PROVIDER_FACTORIES: Record<
  LlmProviderName,
  (deployment: Deployment, ctx: ProviderFactoryContext) => LlmProvider
> = {
  mock: (deployment) => new MockProvider({ delayMs: deployment.delayMs }),

  ernie: (deployment, { policy, tokenStore }) =>
    new ErnieProvider(
      {
        baseUrl: deployment.baseUrl,
        modelEndpoint: deployment.upstreamModel,
        maxInputChars: deployment.maxInputChars,
        connectTimeoutMs: policy.connectTimeoutMs,
      },
      // The token source keys its cache by a digest of the API key: two
      // deployments with different keys never share a token.
      new ErnieAccessTokenSource(
        {
          apiKey: required(deployment, 'apiKey'),
          secretKey: required(deployment, 'secretKey'),
          authBaseUrl: deployment.authBaseUrl,
        },
        tokenStore,
        { timeoutMs: policy.connectTimeoutMs },
      ),
    ),

  qianfan: (deployment, { policy }) => {
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
      // Qianfan v2 documents only the newer name (PARAMETER_FATES maps to it).
      maxTokensField: 'max_completion_tokens',
    });
  },

  openai: (deployment, { policy }) =>
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
