import type { SecretRedactor } from '../../common/logging/secret-redactor.js';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import type { Deployment } from '../catalogue/deployment.js';
import type { LlmProvider } from '../llm-provider.js';
import type { LlmCallPolicy } from '../llm.types.js';
import type { AccessTokenStore } from '../token-store/access-token-store.js';
import type { ProviderFates } from './parameter-fate.js';
import type { ProviderCredentials } from './provider-credentials.js';

export type { ProviderCredentials } from './provider-credentials.js';

export interface ProviderFactoryContext {
  policy: LlmCallPolicy;
  /** Where access tokens are cached (shared across instances when Redis-backed), keyed per credential. */
  tokenStore: AccessTokenStore;
  /** Learns the secrets a provider obtains at run time (ERNIE's access tokens). */
  secrets?: SecretRedactor;
}

/** The environment a deployment falls back to: each provider reads its own settings. */
export type CatalogueEnv = Readonly<EnvironmentVariables>;

/** A deployment's settings as its provider's environment variables give them. */
export interface ProviderSettings {
  upstreamModel: string;
  baseUrl: string;
  authBaseUrl: string;
  maxInputChars: number;
  delayMs: number;
}

/**
 * Everything the gateway knows of one provider, in the provider's folder
 * beside its class; `provider-registry.ts` holds one per name of
 * `provider-names.ts`, and every table keyed by provider (the factories, the
 * defaults, the parameter fates) is derived from it.
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
  /** Its row of `PROVIDER_CREDENTIALS` (the registry's spec checks they agree). */
  credentials: ProviderCredentials;
  /** What becomes of each OpenAI parameter (docs/openai-api.md shows the table). */
  fates: ProviderFates;
  /**
   * Builds the provider for one deployment of the catalogue. Upstream
   * providers import their class here, when the LLM module starts, so that
   * reading the configuration and the catalogue loads no provider and no SDK.
   */
  create: (
    deployment: Deployment,
    context: ProviderFactoryContext,
  ) => LlmProvider | Promise<LlmProvider>;
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
