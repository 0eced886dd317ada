import type { EnvironmentVariables } from '../../config/env.schema.js';
import type { ProviderFates } from '../../request-policy/parameter-fate.js';
import type { Deployment } from '../catalogue/deployment.js';
import type {
  CatalogueEnv,
  ProviderSettings,
} from '../catalogue/provider-defaults.js';
import type { LlmProvider } from '../llm-provider.js';
import type { LlmCallPolicy } from '../llm.types.js';
import type { AccessTokenStore } from '../token-store/access-token-store.js';

export interface ProviderFactoryContext {
  policy: LlmCallPolicy;
  /** Where access tokens are cached (shared across instances when Redis-backed), keyed per credential. */
  tokenStore: AccessTokenStore;
}

/** The environment variables holding a provider's credentials. */
export interface ProviderCredentials {
  apiKeyEnv?: keyof EnvironmentVariables;
  secretKeyEnv?: keyof EnvironmentVariables;
  appIdEnv?: keyof EnvironmentVariables;
  /** Those that must be set: start-up (or the catalogue loader) refuses without them. */
  requires: readonly ('apiKeyEnv' | 'secretKeyEnv')[];
}

/**
 * Everything the gateway knows of one provider, in the provider's folder
 * beside its class; `provider-registry.ts` lists them, and every table keyed
 * by provider (LLM_PROVIDERS, the factories, the defaults, the credentials,
 * the parameter fates) is derived from that list.
 */
export interface ProviderDefinition<Name extends string = string> {
  /** Its LLM_PROVIDER value, and a catalogue entry's `provider`. */
  name: Name;
  /**
   * Its deployment's settings from the environment: the whole deployment
   * when there is no MODELS_FILE, the defaults of a catalogue entry's unset
   * fields otherwise.
   */
  defaults: (env: CatalogueEnv) => ProviderSettings;
  credentials: ProviderCredentials;
  /** What becomes of each OpenAI parameter (docs/openai-api.md shows the table). */
  fates: ProviderFates;
  /** Builds the provider for one deployment of the catalogue. */
  create: (
    deployment: Deployment,
    context: ProviderFactoryContext,
  ) => LlmProvider;
}

/**
 * The catalogue loader checks that required credentials are set, so the
 * factories only read them; `required` turns a broken invariant into a
 * clear error naming the deployment, never the value.
 */
export function required(
  deployment: Deployment,
  field: 'apiKey' | 'secretKey',
): string {
  const value = deployment.credentials[field];
  if (!value) throw new Error(`${deployment.name}: ${field} is not set`);
  return value;
}
