import {
  DeploymentLimiter,
  hasLimits,
  QUOTA_WINDOW_MS,
  UNLIMITED,
  type QuotaDecision,
  type QuotaSubject,
} from './deployment-limiter.js';

interface Counts {
  window: number;
  requests: number;
  tokens: number;
  running: number;
}

/** Limits counted in this process (EVENT_BUS=memory: one instance). */
export class MemoryDeploymentLimiter extends DeploymentLimiter {
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  acquire(deployment: QuotaSubject, tokens: number): Promise<QuotaDecision> {
    if (!hasLimits(deployment)) return Promise.resolve(UNLIMITED);
    const now = this.now();
    const window = Math.floor(now / QUOTA_WINDOW_MS);
    const counts = this.counts.get(deployment.name) ?? {
      window,
      requests: 0,
      tokens: 0,
      running: 0,
    };
    this.counts.set(deployment.name, counts);
    if (counts.window !== window) {
      Object.assign(counts, { window, requests: 0, tokens: 0 });
    }
    const { rpm, tpm, maxConcurrency } = deployment.limits;
    const untilNextWindow = (window + 1) * QUOTA_WINDOW_MS - now;
    if (rpm !== undefined && counts.requests + 1 > rpm) {
      return refused('rpm', untilNextWindow);
    }
    // A first call larger than the whole budget still goes: it could never pass.
    if (
      tpm !== undefined &&
      counts.tokens > 0 &&
      counts.tokens + tokens > tpm
    ) {
      return refused('tpm', untilNextWindow);
    }
    if (maxConcurrency !== undefined && counts.running + 1 > maxConcurrency) {
      return refused('concurrency', 1000);
    }
    counts.requests++;
    counts.tokens += tokens;
    counts.running++;
    let released = false;
    return Promise.resolve({
      granted: true,
      lease: {
        release: (tokensUsed) => {
          if (released) return Promise.resolve();
          released = true;
          counts.running = Math.max(0, counts.running - 1);
          if (tokensUsed !== undefined && counts.window === window) {
            counts.tokens = Math.max(0, counts.tokens + tokensUsed - tokens);
          }
          return Promise.resolve();
        },
      },
    });
  }
}

function refused(
  limit: 'rpm' | 'tpm' | 'concurrency',
  retryAfterMs: number,
): Promise<QuotaDecision> {
  return Promise.resolve({ granted: false, limit, retryAfterMs });
}
