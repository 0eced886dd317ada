import type { EnvironmentVariables } from '../../config/env.schema.js';
import type { LlmProviderName } from './provider-names.js';

/** The environment variables holding a provider's credentials. */
export interface ProviderCredentials {
  apiKeyEnv?: keyof EnvironmentVariables;
  secretKeyEnv?: keyof EnvironmentVariables;
  appIdEnv?: keyof EnvironmentVariables;
  /** Those that must be set: start-up (or the catalogue loader) refuses without them. */
  requires: readonly ('apiKeyEnv' | 'secretKeyEnv')[];
}

/**
 * Where each provider's credentials are, as data: the configuration checks
 * them (validate-env.ts) and the secret redactor collects them without
 * loading any provider class or SDK. Each definition takes its row.
 */
export const PROVIDER_CREDENTIALS = {
  mock: { requires: [] },
  ernie: {
    apiKeyEnv: 'ERNIE_API_KEY',
    secretKeyEnv: 'ERNIE_SECRET_KEY',
    requires: ['apiKeyEnv', 'secretKeyEnv'],
  },
  qianfan: {
    apiKeyEnv: 'QIANFAN_API_KEY',
    appIdEnv: 'QIANFAN_APP_ID',
    requires: ['apiKeyEnv'],
  },
  openai: { apiKeyEnv: 'OPENAI_API_KEY', requires: ['apiKeyEnv'] },
} as const satisfies Record<LlmProviderName, ProviderCredentials>;
