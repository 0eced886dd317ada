import {
  GATEWAY_FATES,
  refuse,
  refuseOpenAiOnly,
  type ParameterFate,
} from '../parameter-fate.js';
import { PROVIDER_CREDENTIALS } from '../provider-credentials.js';
import { required, type ProviderDefinition } from '../provider-definition.js';

const maxTokensOnErnie: ParameterFate = {
  fate: 'map',
  to: 'max_output_tokens',
};

/** Baidu's ERNIE v1 API (access token from an API key and secret key). */
export const ernieProvider: ProviderDefinition<'ernie'> = {
  name: 'ernie',
  defaults: (env) => ({
    upstreamModel: env.ERNIE_MODEL_ENDPOINT,
    baseUrl: env.ERNIE_BASE_URL,
    authBaseUrl: env.ERNIE_AUTH_BASE_URL,
    maxInputChars: env.ERNIE_MAX_INPUT_CHARS,
    delayMs: 0,
  }),
  credentials: PROVIDER_CREDENTIALS.ernie,
  fates: {
    ...GATEWAY_FATES,
    ...refuseOpenAiOnly('ERNIE has no such parameter'),
    temperature: { fate: 'map', to: 'temperature, clamped to (0, 1]' },
    max_tokens: maxTokensOnErnie,
    max_completion_tokens: maxTokensOnErnie,
    stop: { fate: 'map', to: 'stop (as an array)' },
    seed: refuse('ERNIE has no seed'),
    presence_penalty: refuse(
      'ERNIE has only penalty_score (see frequency_penalty)',
    ),
    frequency_penalty: {
      fate: 'map',
      to: 'penalty_score = 1 + frequency_penalty / 2',
      refuses: {
        when: (value) => typeof value === 'number' && value < 0,
        reason: "ERNIE's penalty_score cannot favour repetition (values < 0)",
      },
    },
    response_format: {
      fate: 'map',
      to: 'response_format "text" or "json_object"',
      refuses: {
        when: (value) =>
          (value as { type?: unknown } | null)?.type === 'json_schema',
        reason: 'ERNIE v1 has no JSON schema mode (json_object is supported)',
      },
    },
    tools: { fate: 'map', to: 'functions' },
    tool_choice: {
      fate: 'map',
      to: 'tool_choice {type, function: {name}}; none: no functions sent',
      refuses: {
        when: (value) => value === 'required',
        reason: 'ERNIE v1 cannot be made to call some function ("required")',
      },
    },
    parallel_tool_calls: {
      fate: 'map',
      to: 'nothing: ERNIE v1 calls at most one function per reply',
    },
    functions: { fate: 'map', to: 'functions' },
    user: { fate: 'map', to: 'user_id' },
  },
  create: async (deployment, { policy, tokenStore, secrets }) => {
    const [{ ErnieProvider }, { ErnieAccessTokenSource }] = await Promise.all([
      import('./ernie.provider.js'),
      import('./ernie-access-token-source.js'),
    ]);
    return new ErnieProvider(
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
        { timeoutMs: policy.connectTimeoutMs, secrets },
      ),
    );
  },
};
