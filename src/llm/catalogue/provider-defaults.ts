import type {
  EnvironmentVariables,
  LlmProviderName,
} from '../../config/env.schema.js';

/** The environment settings a deployment falls back to, for each provider. */
export type CatalogueEnv = Pick<
  EnvironmentVariables,
  | 'LLM_PROVIDER'
  | 'MODELS_FILE'
  | 'DEFAULT_MODEL'
  | 'MOCK_DELAY_MS'
  | 'ERNIE_MODEL_ENDPOINT'
  | 'ERNIE_AUTH_BASE_URL'
  | 'ERNIE_BASE_URL'
  | 'ERNIE_MAX_INPUT_CHARS'
  | 'QIANFAN_MODEL'
  | 'QIANFAN_BASE_URL'
  | 'QIANFAN_MAX_INPUT_CHARS'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_MODEL'
  | 'OPENAI_MAX_INPUT_CHARS'
>;

export const CATALOGUE_ENV_KEYS = [
  'LLM_PROVIDER',
  'MODELS_FILE',
  'DEFAULT_MODEL',
  'MOCK_DELAY_MS',
  'ERNIE_MODEL_ENDPOINT',
  'ERNIE_AUTH_BASE_URL',
  'ERNIE_BASE_URL',
  'ERNIE_MAX_INPUT_CHARS',
  'QIANFAN_MODEL',
  'QIANFAN_BASE_URL',
  'QIANFAN_MAX_INPUT_CHARS',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'OPENAI_MAX_INPUT_CHARS',
] as const satisfies readonly (keyof CatalogueEnv)[];

/** A provider's settings as its environment variables give them. */
export interface ProviderDefaults {
  upstreamModel: string;
  baseUrl: string;
  authBaseUrl: string;
  maxInputChars: number;
  delayMs: number;
  /** Variables holding the credentials; the required ones must be set. */
  apiKeyEnv?: string;
  secretKeyEnv?: string;
  appIdEnv?: string;
  requires: readonly ('apiKeyEnv' | 'secretKeyEnv')[];
}

/**
 * Today's single-provider settings, per provider: the whole deployment when
 * there is no MODELS_FILE, and the defaults of a catalogue entry's unset
 * fields. A table, so that a new provider cannot be forgotten.
 */
export const PROVIDER_DEFAULTS: Record<
  LlmProviderName,
  (env: CatalogueEnv) => ProviderDefaults
> = {
  mock: (env) => ({
    upstreamModel: 'mock-echo-1',
    baseUrl: 'http://mock.invalid',
    authBaseUrl: 'http://mock.invalid',
    maxInputChars: 1_000_000,
    delayMs: env.MOCK_DELAY_MS,
    requires: [],
  }),
  ernie: (env) => ({
    upstreamModel: env.ERNIE_MODEL_ENDPOINT,
    baseUrl: env.ERNIE_BASE_URL,
    authBaseUrl: env.ERNIE_AUTH_BASE_URL,
    maxInputChars: env.ERNIE_MAX_INPUT_CHARS,
    delayMs: 0,
    apiKeyEnv: 'ERNIE_API_KEY',
    secretKeyEnv: 'ERNIE_SECRET_KEY',
    requires: ['apiKeyEnv', 'secretKeyEnv'],
  }),
  qianfan: (env) => ({
    upstreamModel: env.QIANFAN_MODEL,
    baseUrl: env.QIANFAN_BASE_URL,
    authBaseUrl: env.QIANFAN_BASE_URL,
    maxInputChars: env.QIANFAN_MAX_INPUT_CHARS,
    delayMs: 0,
    apiKeyEnv: 'QIANFAN_API_KEY',
    appIdEnv: 'QIANFAN_APP_ID',
    requires: ['apiKeyEnv'],
  }),
  openai: (env) => ({
    upstreamModel: env.OPENAI_MODEL,
    baseUrl: env.OPENAI_BASE_URL,
    authBaseUrl: env.OPENAI_BASE_URL,
    maxInputChars: env.OPENAI_MAX_INPUT_CHARS,
    delayMs: 0,
    apiKeyEnv: 'OPENAI_API_KEY',
    requires: ['apiKeyEnv'],
  }),
};
