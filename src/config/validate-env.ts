import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  PROVIDER_CREDENTIALS,
  type ProviderCredentials,
} from '../llm/providers/provider-credentials.js';
import {
  LLM_PROVIDERS,
  type LlmProviderName,
} from '../llm/providers/provider-names.js';
import { EnvironmentVariables } from './env.schema.js';

/** Variables without which `provider` cannot call its upstream. */
function requiredCredentials(
  provider: LlmProviderName,
): (keyof EnvironmentVariables)[] {
  const credentials: ProviderCredentials = PROVIDER_CREDENTIALS[provider];
  return credentials.requires.flatMap((field) => credentials[field] ?? []);
}

/**
 * Validates the raw environment and returns it typed, with defaults applied.
 * Throws one error naming every bad variable, so that the process refuses to
 * start with a message an operator can act on. Values are never echoed: a
 * variable may hold a secret.
 */
export function validateEnv(
  raw: Record<string, unknown>,
): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, {
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, {
    skipMissingProperties: false,
    forbidUnknownValues: false,
  });
  const lines = errors.map((error) => {
    const rules = Object.values(error.constraints ?? {}).join('; ');
    return `  - ${error.property}: ${rules}`;
  });
  lines.push(...missingCredentials(env), ...redisConflicts(env));
  if (lines.length > 0) {
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}

/** Where Redis is must be said once: a server, a cluster or Sentinel. */
function redisConflicts(env: EnvironmentVariables): string[] {
  const set = (
    ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const
  ).filter((name) => env[name] !== undefined);
  const lines =
    set.length > 1
      ? [`  - ${set.join(', ')}: set only one of them (where Redis is)`]
      : [];
  // WAIT answers for one node: a cluster's writes go to many.
  if (env.REDIS_CLUSTER_NODES !== undefined && env.REDIS_MIN_REPLICAS > 0)
    lines.push(
      '  - REDIS_MIN_REPLICAS: not supported with REDIS_CLUSTER_NODES (leave it 0)',
    );
  return lines;
}

/**
 * A provider chosen without its credentials fails at start-up, not at the
 * first message. With MODELS_FILE the catalogue names its own credentials
 * and its loader checks them.
 */
function missingCredentials(env: EnvironmentVariables): string[] {
  if (env.MODELS_FILE) return [];
  const provider = env.LLM_PROVIDER;
  if (!(LLM_PROVIDERS as readonly string[]).includes(provider)) return [];
  const missing = requiredCredentials(provider).filter((name) => !env[name]);
  if (missing.length === 0) return [];
  return [
    `  - ${missing.join(', ')}: required when LLM_PROVIDER=${provider} (not set)`,
  ];
}
