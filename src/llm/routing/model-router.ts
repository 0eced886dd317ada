import { Logger } from '@nestjs/common';
import type { SecretRedactor } from '../../common/logging/secret-redactor.js';
import type { Deployment } from '../catalogue/deployment.js';
import type { ModelCatalogue } from '../catalogue/model-catalogue.js';
import type { ChunkSink } from '../chunk-sink.js';
import { LlmError } from '../llm-error.js';
import { LlmProvider } from '../llm-provider.js';
import { toLlmError } from '../llm.service.js';
import type { LlmRequest, LlmUsage } from '../llm.types.js';
import type { CircuitBreaker, CircuitState } from './circuit-breaker.js';
import type { DeploymentBalancer } from './deployment-balancer.js';
import {
  UNLIMITED,
  type DeploymentLimiter,
  type QuotaDecision,
} from './deployment-limiter.js';
import type { DeploymentMetrics } from './deployment-metrics.js';
import { FirstOutputDeadline } from './first-output-deadline.js';

/** The parts the router combines; each is unit-tested on its own. */
export interface RouterParts {
  catalogue: ModelCatalogue;
  /** One provider per deployment name. */
  providers: ReadonlyMap<string, LlmProvider>;
  balancer: DeploymentBalancer;
  breaker: CircuitBreaker;
  limiter: DeploymentLimiter;
  metrics?: DeploymentMetrics;
  /** Longest wait for a deployment's first output before trying the next (0: none). */
  firstTokenTimeoutMs?: number;
  /** Removes the configured secrets from each error before it leaves the LLM layer. */
  secrets?: SecretRedactor;
}

export interface DeploymentStatus {
  deployment: string;
  model: string;
  provider: string;
  circuit: CircuitState;
  inFlight: number;
  usable: boolean;
  problem?: string;
}

/** What became of one candidate, for the log line. */
type Attempt = string;

/** ~4 characters a token: enough to hold `tpm` before the upstream's count is known. */
function estimateTokens(request: LlmRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) chars += message.content.length;
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * The `LlmProvider` the chat and `/v1` services call: it only chooses. For a
 * request's model it tries the model's deployments in the balancer's order,
 * then those of each model in its `fallbacks`, skipping any whose circuit is
 * open or that is at a limit. A retryable failure before the first output
 * moves on to the next candidate at once; after the first output, or for a
 * failure that is the request's (bad input), the error stands. Each
 * deployment's provider keeps its own protocol code.
 *
 * One pass over the candidates is one attempt of `LlmService`: when every
 * candidate failed, `LlmService` backs off and starts a new pass (up to
 * LLM_MAX_RETRIES), so no deployment is retried by both layers at once.
 * LLM_FIRST_TOKEN_TIMEOUT_MS covers a whole pass; ROUTER_FIRST_TOKEN_TIMEOUT_MS
 * (shorter) gives up on one stalled deployment and moves on within the pass.
 *
 * The two generator layers it adds cost ~0.3 µs of CPU per chunk (200 000
 * chunks through the router against the bare provider, Node 20), so chunks
 * pass through as they are rather than by a hand-written iterator.
 */
export class ModelRouter extends LlmProvider {
  readonly name: string;
  readonly model: string;
  private readonly logger = new Logger(ModelRouter.name);

  constructor(private readonly parts: RouterParts) {
    super();
    const providers = new Set(
      parts.catalogue.deployments.map((d) => d.provider),
    );
    this.name = providers.size === 1 ? [...providers][0] : 'router';
    this.model = parts.catalogue.defaultModel;
    parts.metrics?.watchCircuits(parts.catalogue.deployments, (name) =>
      parts.breaker.state(name),
    );
  }

  /** Every deployment's provider is configured (circuits are `readiness()`'s business). */
  async ready(): Promise<void> {
    await Promise.all(
      [...this.parts.providers.values()].map((provider) => provider.ready()),
    );
  }

  /**
   * Each deployment's state, the models left without a usable deployment of
   * their own (configured and not cooling down), and those that no
   * deployment of their fallback chain can serve either: `/health/ready` is
   * ready while some model can be served.
   */
  async readiness(): Promise<{
    deployments: DeploymentStatus[];
    unusableModels: string[];
    unservedModels: string[];
  }> {
    const { catalogue } = this.parts;
    const deployments = await this.report();
    const usable = (model: string) =>
      deployments.some((d) => d.model === model && d.usable);
    const unusableModels = catalogue.models.filter((model) => !usable(model));
    const unservedModels = unusableModels.filter(
      (model) => !catalogue.chainOf(model).some(usable),
    );
    return { deployments, unusableModels, unservedModels };
  }

  /** Each deployment's state: no URL, no credential. */
  private async report(): Promise<DeploymentStatus[]> {
    const { catalogue, breaker, balancer, providers } = this.parts;
    return Promise.all(
      catalogue.deployments.map(async (deployment) => {
        const problem = await providers
          .get(deployment.name)!
          .ready()
          .then(
            () => undefined,
            (error: unknown) =>
              error instanceof Error ? error.message : 'not ready',
          );
        const circuit = breaker.state(deployment.name);
        return {
          deployment: deployment.name,
          model: deployment.model,
          provider: deployment.provider,
          circuit,
          inFlight: balancer.inFlightOf(deployment.name),
          usable: problem === undefined && breaker.usable(deployment.name),
          ...(problem ? { problem } : {}),
        };
      }),
    );
  }

  async pump(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    const { catalogue, balancer } = this.parts;
    const model = request.model ?? catalogue.defaultModel;
    const tokens = estimateTokens(request);
    const attempts: Attempt[] = [];
    let lastError: LlmError | undefined;
    let refusal: { limit: string; retryAfterMs: number } | undefined;
    for (const candidateModel of catalogue.chainOf(model)) {
      const ordered = balancer.order(catalogue.deploymentsOf(candidateModel));
      for (const deployment of ordered) {
        const decision = await this.admit(deployment, tokens, attempts);
        if (!decision) continue;
        if (!decision.granted) {
          refusal = decision;
          continue;
        }
        const result = await this.call(
          deployment,
          request,
          signal,
          decision,
          sink,
        );
        if (result === 'done') {
          if (attempts.length > 0) {
            this.logger.log(
              `${model}: served by ${deployment.name} after ${attempts.join(', ')}`,
            );
          }
          return;
        }
        attempts.push(`${deployment.name} (${result.code})`);
        lastError = result;
      }
    }
    this.logger.warn(
      `${model}: no deployment answered: ${attempts.join(', ')}`,
    );
    throw lastError ?? exhausted(model, refusal);
  }

  /** Undefined: cooling down. A refused decision: at a limit. */
  private async admit(
    deployment: Deployment,
    tokens: number,
    attempts: Attempt[],
  ): Promise<QuotaDecision | undefined> {
    const { breaker, metrics } = this.parts;
    if (!breaker.tryEnter(deployment.name)) {
      metrics?.passedOver(deployment, 'cooling_down');
      attempts.push(`${deployment.name} (cooling down)`);
      return undefined;
    }
    let decision: QuotaDecision;
    try {
      decision = await this.parts.limiter.acquire(deployment, tokens);
    } catch (error) {
      // The shared counters are unreachable: serving unmetered beats refusing everyone.
      this.logger.warn(
        `${deployment.name}: quota check failed (${String(error)}); call not counted`,
      );
      return UNLIMITED;
    }
    if (!decision.granted) {
      breaker.released(deployment.name);
      metrics?.passedOver(deployment, decision.limit);
      attempts.push(`${deployment.name} (${decision.limit} limit)`);
    }
    return decision;
  }

  /** One deployment's call: `done`, or the error that lets the next candidate try. */
  private async call(
    deployment: Deployment,
    request: LlmRequest,
    signal: AbortSignal,
    decision: QuotaDecision & { granted: true },
    sink: ChunkSink,
  ): Promise<'done' | LlmError> {
    const { balancer, breaker, metrics, providers } = this.parts;
    const provider = providers.get(deployment.name)!;
    const startedAt = Date.now();
    let usage: LlmUsage | undefined;
    let emitted = false;
    let verdict = false;
    const deadline = new FirstOutputDeadline(
      signal,
      this.parts.firstTokenTimeoutMs ?? 0,
    );
    balancer.begin(deployment.name);
    metrics?.called(deployment);
    try {
      await provider.pump(request, deadline.signal, (chunk) => {
        if (chunk.type === 'finish') usage = chunk.usage;
        if (emitted) return sink(chunk);
        deadline.met();
        emitted = true;
        // The route is announced before the first output; a consumer behind
        // on it holds that output.
        const behind = sink({
          type: 'route',
          model: deployment.model,
          deployment: deployment.name,
        });
        return behind ? behind.then(() => sink(chunk)) : sink(chunk);
      });
      verdict = true;
      breaker.succeeded(deployment.name);
      metrics?.finished(deployment, Date.now() - startedAt, usage);
      return 'done';
    } catch (raw) {
      const error = (
        deadline.expired
          ? LlmError.timeout(`no first token, ${deadline.ms / 1000} s`)
          : signal.aborted
            ? LlmError.cancelled()
            : toLlmError(raw)
      ).redactedWith((text) => this.parts.secrets?.redact(text) ?? text);
      if (error.code === 'cancelled') throw error;
      metrics?.failed(deployment, error.code, Date.now() - startedAt);
      if (error.retryable) {
        verdict = true;
        breaker.failed(deployment.name);
      }
      if (emitted || !error.retryable) throw error;
      this.logger.warn(
        `${deployment.name}: ${error.code} (upstream ${String(error.upstreamCode ?? '-')}) before the first token; trying the next deployment`,
      );
      return error;
    } finally {
      deadline.close();
      if (!verdict) breaker.released(deployment.name);
      balancer.end(deployment.name);
      void decision.lease.release(usage?.totalTokens);
    }
  }
}

function exhausted(
  model: string,
  refusal: { limit: string; retryAfterMs: number } | undefined,
): LlmError {
  if (refusal) {
    return new LlmError(
      'upstream_rate_limited',
      `Every deployment of the model ${model} is at its ${refusal.limit} limit; try again shortly.`,
      { retryable: true, retryAfterMs: refusal.retryAfterMs },
    );
  }
  return new LlmError(
    'upstream_unavailable',
    `Every deployment of the model ${model} is cooling down after failures; try again shortly.`,
    { retryable: true },
  );
}
