import type { Deployment } from '../catalogue/deployment.js';

/**
 * What the limits are counted for: a deployment, or anything else with a
 * name unique among those counted (an API key counts as `key:<name>`).
 */
export type QuotaSubject = Pick<Deployment, 'name' | 'limits'>;

export type QuotaLimit = 'rpm' | 'tpm' | 'concurrency';

/**
 * A granted slot: released when the call ends, with the tokens it really
 * used when known. Callers need not wait for the release; it never rejects.
 */
export interface QuotaLease {
  release(tokensUsed?: number): Promise<void>;
}

export type QuotaDecision =
  | { granted: true; lease: QuotaLease }
  | { granted: false; limit: QuotaLimit; retryAfterMs: number };

/** The window of `rpm` and `tpm`: fixed one-minute windows. */
export const QUOTA_WINDOW_MS = 60_000;

/**
 * Per-deployment `rpm`/`tpm`/`maxConcurrency`, checked and counted in one
 * step before a call goes upstream, and its injection token: in memory for
 * one process, in Redis when every instance must share the counts.
 */
export abstract class DeploymentLimiter {
  /** Takes a slot for a call estimated at `tokens`, or says which limit is reached. */
  abstract acquire(
    deployment: QuotaSubject,
    tokens: number,
  ): Promise<QuotaDecision>;
}

/** A lease for a deployment without limits: nothing to count. */
export const UNLIMITED: QuotaDecision = {
  granted: true,
  lease: { release: () => Promise.resolve() },
};

export function hasLimits(deployment: QuotaSubject): boolean {
  const { rpm, tpm, maxConcurrency } = deployment.limits;
  return rpm !== undefined || tpm !== undefined || maxConcurrency !== undefined;
}
