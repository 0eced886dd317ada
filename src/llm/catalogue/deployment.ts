import type { LlmProviderName } from '../providers/provider-names.js';

/** Per-deployment limits the gateway enforces before the upstream would refuse. */
export interface DeploymentLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (estimated input, then actual) per minute. */
  tpm?: number;
  /** Calls running at once. */
  maxConcurrency?: number;
}

/** Credentials read from the environment variables the catalogue names. Never logged or listed. */
export interface DeploymentCredentials {
  apiKey?: string;
  secretKey?: string;
  appId?: string;
}

/**
 * One upstream the gateway can send a model's requests to, fully resolved:
 * every default applied and its credentials read. `name` is unique and is
 * what logs, metrics and health report.
 */
export interface Deployment {
  name: string;
  /** The public model name clients ask for; several deployments may share one. */
  model: string;
  provider: LlmProviderName;
  /** The upstream's model id (`ernie-speed-8k`, `gpt-4o-mini`) or ERNIE endpoint (`eb-instant`). */
  upstreamModel: string;
  baseUrl: string;
  /** ERNIE's OAuth server. */
  authBaseUrl: string;
  maxInputChars: number;
  /** The mock's delay between two words. */
  delayMs: number;
  credentials: DeploymentCredentials;
  limits: DeploymentLimits;
  /** Lower is tried first; deployments of equal priority share the load. */
  priority: number;
  /** Share of the load among deployments of equal priority. */
  weight: number;
}

/** What the gateway serves: its deployments and each model's fallbacks. */
export interface CatalogueData {
  deployments: Deployment[];
  /** Model name → other model names tried, in order, when all its deployments fail. */
  fallbacks: Record<string, string[]>;
  defaultModel: string;
  /** Whether a MODELS_FILE declared it (otherwise: LLM_PROVIDER's catalogue of one). */
  fromFile: boolean;
}
