import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { API_KEYS } from '../access/access.di-tokens.js';
import type { ApiKeys } from '../access/api-keys.js';
import {
  modelAllowed,
  type ApiKeyDefinition,
} from '../keys/api-key-definition.js';
import { KeysReloader } from '../keys/keys-reloader.service.js';
import {
  LlmCallGate,
  type LlmCallResult,
  type LlmCallTicket,
} from '../llm/llm-call-gate.js';
import { LlmError } from '../llm/llm-error.js';
import type { LlmRequest } from '../llm/llm.types.js';
import {
  DeploymentLimiter,
  type QuotaLease,
} from '../llm/routing/deployment-limiter.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { UsageLedger } from './usage-ledger.js';
import { periodOf } from './usage-periods.js';
import { KEY_LIMITER, USAGE_CLOCK } from './usage.di-tokens.js';

/** The name usage is counted under when the API is open. */
export const ANONYMOUS_KEY_NAME = 'anonymous';

/**
 * The API key's say over each model call, before and after it: the model
 * must be one of the key's (403 `model_not_allowed`), its budget for the
 * period must not be spent (429 `insufficient_quota`, with the reset time),
 * and its `tpm` and `maxStreams` must leave room (429 `rate_limited`),
 * counted across instances on Redis. A call already running is never
 * stopped by its budget: the next one is refused. Every call is then
 * counted in the usage ledger and the per-key metrics, however it ended.
 * The running calls of a key removed by a reload end with `key_revoked`.
 *
 * When the ledger is unreachable (Redis down) budgets are not enforced and
 * usage is not counted, with a warning: the gateway keeps serving.
 */
@Injectable()
export class KeyCallGate
  extends LlmCallGate
  implements OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('KeyUsage');
  /** Running calls by key id, to end those of a removed key. */
  private readonly running = new Map<string, Set<AbortController>>();
  private reloads?: Subscription;

  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    private readonly ledger: UsageLedger,
    @Inject(KEY_LIMITER) private readonly limiter: DeploymentLimiter,
    @Inject(USAGE_CLOCK) private readonly now: () => Date,
    @Optional() private readonly reloader?: KeysReloader,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.reloads = this.reloader?.changes.subscribe((change) =>
      this.revoke(change.removed),
    );
  }

  onModuleDestroy(): void {
    this.reloads?.unsubscribe();
  }

  async admit(request: LlmRequest, model: string): Promise<LlmCallTicket> {
    const key = this.keyOf(request);
    const name = key?.name ?? ANONYMOUS_KEY_NAME;
    if (key) {
      this.checkModel(key, model);
      await this.checkBudget(key);
    }
    if (!key) return this.ticket(name);
    const lease = await this.takeSlot(key, request);
    // Only a key's calls can be revoked (by a reload that removes it).
    const controller = new AbortController();
    const calls = this.running.get(key.id) ?? new Set();
    calls.add(controller);
    this.running.set(key.id, calls);
    return this.ticket(name, lease, controller.signal, () => {
      calls.delete(controller);
      if (calls.size === 0 && this.running.get(key.id) === calls) {
        this.running.delete(key.id);
      }
    });
  }

  private ticket(
    name: string,
    lease?: QuotaLease,
    signal?: AbortSignal,
    release?: () => void,
  ): LlmCallTicket {
    let ended = false;
    return {
      signal,
      end: async (result) => {
        if (ended) return;
        ended = true;
        release?.();
        await this.account(name, result, lease);
      },
    };
  }

  async check(request: LlmRequest, model: string): Promise<void> {
    const key = this.keyOf(request);
    if (!key) return;
    this.checkModel(key, model);
    await this.checkBudget(key);
  }

  /** Ends the running calls of keys that are gone, each with a `key_revoked` error. */
  revoke(keyIds: string[]): void {
    for (const id of keyIds) {
      const calls = this.running.get(id);
      if (!calls) continue;
      this.logger.log(`Ending ${calls.size} running calls of a removed key`);
      for (const controller of calls) {
        controller.abort(
          new LlmError(
            'key_revoked',
            'The API key of this request was removed; the reply was stopped.',
          ),
        );
      }
    }
  }

  private keyOf(request: LlmRequest): ApiKeyDefinition | undefined {
    if (!this.keys.enabled) return undefined;
    const key =
      request.keyId === undefined
        ? undefined
        : this.keys.definition(request.keyId);
    // The guard accepted it: it was removed since.
    if (!key) {
      throw new LlmError('key_revoked', 'The API key was removed.');
    }
    return key;
  }

  private checkModel(key: ApiKeyDefinition, model: string): void {
    if (modelAllowed(key.models, model)) return;
    this.metrics?.keyRefused(key.name, 'model_not_allowed');
    throw new LlmError(
      'model_not_allowed',
      `The API key '${key.name}' may not use the model '${model.slice(0, 100)}'; GET /v1/models lists the models it may use.`,
      { details: { model: model.slice(0, 100) } },
    );
  }

  private async checkBudget(key: ApiKeyDefinition): Promise<void> {
    if (!key.budget) return;
    const at = this.now();
    const { period, tokens } = key.budget;
    let spent: number;
    try {
      spent = await this.ledger.spent(key.name, period, at);
    } catch (error) {
      this.logger.warn(
        `Budget of key ${key.name} not checked (usage unreachable): ${String(error)}`,
      );
      return;
    }
    if (spent < tokens) return;
    const { resetsAt } = periodOf(period, at);
    this.metrics?.keyRefused(key.name, 'insufficient_quota');
    throw new LlmError(
      'insufficient_quota',
      `The API key '${key.name}' has used its budget of ${tokens} tokens this ${period}; it resets at ${resetsAt.toISOString()}.`,
      {
        retryAfterMs: resetsAt.getTime() - at.getTime(),
        details: {
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((resetsAt.getTime() - at.getTime()) / 1000),
          ),
          budget: { tokens, period, spent, resetsAt: resetsAt.toISOString() },
        },
      },
    );
  }

  private async takeSlot(
    key: ApiKeyDefinition,
    request: LlmRequest,
  ): Promise<QuotaLease | undefined> {
    const { tpm, maxStreams } = key.limits;
    if (tpm === undefined && maxStreams === undefined) return undefined;
    const decision = await this.limiter
      .acquire(
        {
          name: `key:${key.name}`,
          limits: { tpm, maxConcurrency: maxStreams },
        },
        estimateTokens(request),
      )
      .catch((error: unknown) => {
        this.logger.warn(
          `Limits of key ${key.name} not checked (unreachable): ${String(error)}`,
        );
        return undefined;
      });
    if (!decision) return undefined;
    if (decision.granted) return decision.lease;
    this.metrics?.keyRefused(key.name, 'rate_limited');
    const what =
      decision.limit === 'tpm'
        ? `its ${tpm} tokens per minute (tpm)`
        : `its ${maxStreams} replies at once (maxStreams)`;
    throw new LlmError(
      'rate_limited',
      `The API key '${key.name}' has reached ${what}; try again later.`,
      {
        retryAfterMs: decision.retryAfterMs,
        details: {
          retryAfterSeconds: Math.max(
            1,
            Math.ceil(decision.retryAfterMs / 1000),
          ),
          limit: decision.limit === 'tpm' ? 'tpm' : 'maxStreams',
        },
      },
    );
  }

  private async account(
    key: string,
    result: LlmCallResult,
    lease: QuotaLease | undefined,
  ): Promise<void> {
    const { usage, model } = result;
    void lease?.release(usage.promptTokens + usage.completionTokens);
    this.metrics?.keyCallEnded(key, model, result.outcome, usage);
    try {
      await this.ledger.record({
        key,
        model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        failed: result.outcome === 'failed',
        at: this.now(),
      });
    } catch (error) {
      this.logger.warn(
        `Usage of key ${key} not counted (unreachable): ${String(error)}`,
      );
    }
  }
}

/** ~4 characters a token: enough to hold `tpm` before the upstream's count is known. */
function estimateTokens(request: LlmRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) chars += message.content.length;
  return Math.max(1, Math.ceil(chars / 4));
}
