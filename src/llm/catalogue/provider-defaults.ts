import type {
  CatalogueEnv,
  ProviderSettings,
} from '../providers/provider-definition.js';
import type { LlmProviderName } from '../providers/provider-names.js';
import { perProvider } from '../providers/provider-registry.js';

export type {
  CatalogueEnv,
  ProviderSettings,
} from '../providers/provider-definition.js';

/** A provider's settings and the variables holding its credentials. */
export interface ProviderDefaults extends ProviderSettings {
  /** Variables holding the credentials; the required ones must be set. */
  apiKeyEnv?: string;
  secretKeyEnv?: string;
  appIdEnv?: string;
  requires: readonly ('apiKeyEnv' | 'secretKeyEnv')[];
}

/**
 * Today's single-provider settings, per provider: the whole deployment when
 * there is no MODELS_FILE, and the defaults of a catalogue entry's unset
 * fields. From each provider's definition, so none can be forgotten.
 */
export const PROVIDER_DEFAULTS: Record<
  LlmProviderName,
  (env: CatalogueEnv) => ProviderDefaults
> = perProvider(({ defaults, credentials }) => (env) => ({
  ...defaults(env),
  ...credentials,
}));
