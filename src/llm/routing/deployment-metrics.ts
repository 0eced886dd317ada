import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Deployment } from '../catalogue/deployment.js';
import type { CircuitState } from './circuit-breaker.js';
import type { LlmUsage } from '../llm.types.js';

/** Why a deployment was passed over without a call. */
export type SkipReason = 'cooling_down' | 'rpm' | 'tpm' | 'concurrency';

/**
 * Per-deployment metrics, on the process's registry. Labels are deployment
 * names (the catalogue restricts them to `[A-Za-z0-9._-]`), provider names,
 * error codes and skip reasons: never a URL or a credential.
 */
export class DeploymentMetrics {
  private readonly calls: Counter;
  private readonly errors: Counter;
  private readonly skipped: Counter;
  private readonly latency: Histogram;
  private readonly tokens: Counter;
  private readonly registry: Registry;

  constructor(registry: Registry) {
    this.registry = registry;
    const registers = [registry];
    this.calls = new Counter({
      name: 'chatgw_deployment_requests_total',
      help: 'Calls sent to each deployment of the catalogue.',
      labelNames: ['deployment', 'provider'],
      registers,
    });
    this.errors = new Counter({
      name: 'chatgw_deployment_errors_total',
      help: 'Failed calls of each deployment, by error code.',
      labelNames: ['deployment', 'code'],
      registers,
    });
    this.skipped = new Counter({
      name: 'chatgw_deployment_skipped_total',
      help: 'Times a deployment was passed over without a call: cooling down (circuit open) or at a limit.',
      labelNames: ['deployment', 'reason'],
      registers,
    });
    this.latency = new Histogram({
      name: 'chatgw_deployment_call_duration_seconds',
      help: 'Duration of each deployment call, by outcome (finished or failed).',
      labelNames: ['deployment', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.tokens = new Counter({
      name: 'chatgw_deployment_tokens_total',
      help: 'Tokens reported by each deployment, by type (prompt or completion).',
      labelNames: ['deployment', 'type'],
      registers,
    });
  }

  /**
   * `chatgw_deployment_circuit_open`: 1 while a deployment's circuit is open
   * or half open, read at each scrape. Readiness does not follow circuits
   * (an upstream outage is every instance's), so this is where alerts on
   * them belong.
   */
  watchCircuits(
    deployments: readonly Deployment[],
    state: (name: string) => CircuitState,
  ): void {
    new Gauge({
      name: 'chatgw_deployment_circuit_open',
      help: 'Whether the circuit of each deployment is open or half open (1) or closed (0).',
      labelNames: ['deployment', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { name } of deployments) {
          const current = state(name);
          this.set(
            { deployment: name, state: current },
            current === 'closed' ? 0 : 1,
          );
        }
      },
    });
  }

  called(deployment: Deployment): void {
    this.calls.inc({
      deployment: deployment.name,
      provider: deployment.provider,
    });
  }

  passedOver(deployment: Deployment, reason: SkipReason): void {
    this.skipped.inc({ deployment: deployment.name, reason });
  }

  finished(deployment: Deployment, elapsedMs: number, usage?: LlmUsage): void {
    const name = deployment.name;
    this.latency.observe(
      { deployment: name, outcome: 'finished' },
      elapsedMs / 1000,
    );
    if (!usage) return;
    this.tokens.inc({ deployment: name, type: 'prompt' }, usage.promptTokens);
    this.tokens.inc(
      { deployment: name, type: 'completion' },
      usage.completionTokens,
    );
  }

  failed(deployment: Deployment, code: string, elapsedMs: number): void {
    this.errors.inc({ deployment: deployment.name, code });
    this.latency.observe(
      { deployment: deployment.name, outcome: 'failed' },
      elapsedMs / 1000,
    );
  }
}
