import type { Env } from '../../config/settings.js';
import { PROVIDER_CREDENTIALS } from '../../llm/providers/provider-credentials.js';

/**
 * Every secret the environment configures: each provider's credential
 * variables, the Redis passwords (REDIS_URL's own included), the client
 * keys (API_KEYS, ADMIN_API_KEYS) and the stream-token secret. A
 * MODELS_FILE's deployments may name other variables: LlmModule adds those.
 */
export function configuredSecrets(env: Env): string[] {
  const providerVariables = Object.values(PROVIDER_CREDENTIALS).flatMap(
    (credentials) =>
      (['apiKeyEnv', 'secretKeyEnv'] as const).flatMap((field) =>
        field in credentials
          ? [(credentials as Record<typeof field, keyof Env>)[field]]
          : [],
      ),
  );
  return [
    ...providerVariables.map((name) => env[name]),
    env.REDIS_PASSWORD,
    env.REDIS_SENTINEL_PASSWORD,
    passwordOf(env.REDIS_URL),
    ...listOf(env.API_KEYS),
    ...listOf(env.ADMIN_API_KEYS),
    env.STREAM_TOKEN_SECRET,
  ].filter((value): value is string => typeof value === 'string' && !!value);
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

const listOf = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
