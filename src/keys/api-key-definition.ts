/** The periods a token budget can run over (UTC calendar days and months). */
export const BUDGET_PERIODS = ['day', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export type KeyRole = 'user' | 'admin';

/** Limits of one key; each unset one leaves the global setting in force. */
export interface KeyLimits {
  /** Requests per minute: replaces RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS for this key. */
  rpm?: number;
  /** Prompt and completion tokens per minute, counted across instances. */
  tpm?: number;
  /** Replies generated at once, counted across instances. */
  maxStreams?: number;
}

export interface KeyBudget {
  tokens: number;
  period: BudgetPeriod;
}

/**
 * One API key as the gateway knows it: never the secret itself, only its
 * SHA-256 digest. `id` (`k_` and 12 hex digits of the digest) owns
 * conversations and stream tokens; `name` is what operators see (usage,
 * metrics, logs).
 */
export interface ApiKeyDefinition {
  id: string;
  name: string;
  digest: Buffer;
  role: KeyRole;
  /** Model names or `*` patterns the key may use; undefined: every model. */
  models?: string[];
  limits: KeyLimits;
  budget?: KeyBudget;
  metadata?: Record<string, string>;
}

export const keyIdOfDigest = (digest: Buffer): string =>
  `k_${digest.toString('hex').slice(0, 12)}`;

/** Whether `model` matches one of `patterns` (`*` matches any run of characters). */
export function modelAllowed(
  patterns: readonly string[] | undefined,
  model: string,
): boolean {
  if (patterns === undefined) return true;
  return patterns.some((pattern) => patternOf(pattern).test(model));
}

const compiled = new Map<string, RegExp>();

function patternOf(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${body}$`);
    compiled.set(pattern, regex);
  }
  return regex;
}
