import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import type { LlmUsage } from '../llm/llm.types.js';

/** How a model call ended, as the metrics see it. */
export type LlmCallOutcome =
  { finishReason: string; usage?: LlmUsage } | { errorCode: string };

/** Label values come from code, but an upstream's finish reason is free text: keep the set bounded. */
const LABEL_VALUE = /^[a-z][a-z0-9_]{0,31}$/;
const safeLabel = (value: string) =>
  LABEL_VALUE.test(value) ? value : 'other';

/**
 * The process's Prometheus metrics and the calls that move them. Each module
 * reports what it sees through a method named for the fact (`streamRejected`,
 * `generationEnded`…), so no module builds label sets itself and no label can
 * carry a secret or user text: labels are provider names, error codes,
 * finish reasons, event types, HTTP methods and route patterns only.
 *
 * Hot paths stay cheap: per-event counters are pre-bound to their labels, and
 * the open-stream gauge is read from its source when scraped, not updated on
 * every connection.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private openStreamsSource: () => number = () => 0;
  private readonly openStreams: Gauge = new Gauge({
    name: 'chatgw_open_streams',
    help: 'Open streaming responses: SSE subscribers of /server/events and streaming /v1/chat/completions.',
    registers: [this.registry],
    collect: () => this.openStreams.set(this.openStreamsSource()),
  });

  private readonly streamsRejected = new Counter({
    name: 'chatgw_streams_rejected_total',
    help: 'Streams refused by a concurrency limit, by the error code returned.',
    labelNames: ['code'],
    registers: [this.registry],
  });

  /**
   * Events published since the last scrape, by type, added to the counter
   * when it is read (`collect`): a reply publishes one event per chunk, and
   * prom-client's `inc()` (label hashing, value lookup) costs ~0.9 µs each
   * in the seed-route profile.
   */
  private readonly unscrapedEvents = new Map<string, number>();
  private readonly eventsPublished: Counter = new Counter({
    name: 'chatgw_sse_events_published_total',
    help: 'Events published on the chat bus, by event type (each reaches every subscriber of its conversation).',
    labelNames: ['type'],
    registers: [this.registry],
    collect: () => {
      for (const [type, count] of this.unscrapedEvents) {
        this.eventsPublished.inc({ type: safeLabel(type) }, count);
      }
      this.unscrapedEvents.clear();
    },
  });

  private readonly generationsStarted = new Counter({
    name: 'chatgw_generations_started_total',
    help: 'Model calls started.',
    labelNames: ['provider'],
    registers: [this.registry],
  });

  private readonly generationsFinished = new Counter({
    name: 'chatgw_generations_finished_total',
    help: 'Model calls that ended without error, by finish reason (cancelled ones included).',
    labelNames: ['provider', 'finish_reason'],
    registers: [this.registry],
  });

  private readonly generationsFailed = new Counter({
    name: 'chatgw_generations_failed_total',
    help: 'Model calls that failed, by error code.',
    labelNames: ['provider', 'code'],
    registers: [this.registry],
  });

  private readonly retries = new Counter({
    name: 'chatgw_llm_retries_total',
    help: 'Upstream attempts retried, by the error code that caused the retry.',
    labelNames: ['provider', 'code'],
    registers: [this.registry],
  });

  private readonly callDuration = new Histogram({
    name: 'chatgw_llm_call_duration_seconds',
    help: 'Duration of whole model calls (retries included), by outcome.',
    labelNames: ['provider', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });

  private readonly timeToFirstToken = new Histogram({
    name: 'chatgw_llm_time_to_first_token_seconds',
    help: 'Time from the start of a model call to its first text delta.',
    labelNames: ['provider'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
    registers: [this.registry],
  });

  private readonly tokens = new Counter({
    name: 'chatgw_llm_tokens_total',
    help: 'Tokens reported by the upstream, by type (prompt or completion).',
    labelNames: ['provider', 'type'],
    registers: [this.registry],
  });

  private readonly httpRequests = new Counter({
    name: 'chatgw_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'chatgw_http_request_duration_seconds',
    help: 'Time to answer HTTP requests (event streams excluded), by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly authFailures = new Counter({
    name: 'chatgw_auth_failures_total',
    help: 'Requests refused by API-key or stream-token checks, by error code.',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly rateLimited = new Counter({
    name: 'chatgw_rate_limited_total',
    help: 'Requests refused by the rate limiter, by limiter (default or streams).',
    labelNames: ['limiter'],
    registers: [this.registry],
  });

  /**
   * Per API key: `key` is the key's name from KEYS_FILE (its id in the short
   * form, `anonymous` when open), so its values are bounded by the keys
   * configured, as `model` is by the catalogue.
   */
  private readonly keyCalls = new Counter({
    name: 'chatgw_key_calls_total',
    help: 'Model calls per API key and model, by outcome (finished, failed, cancelled)',
    labelNames: ['key', 'model', 'outcome'],
    registers: [this.registry],
  });

  private readonly keyTokens = new Counter({
    name: 'chatgw_key_tokens_total',
    help: 'Tokens per API key and model (the upstream count, or an estimate), by type',
    labelNames: ['key', 'model', 'type'],
    registers: [this.registry],
  });

  private readonly keyRefusals = new Counter({
    name: 'chatgw_key_refusals_total',
    help: 'Calls refused for an API key before the upstream: model_not_allowed, insufficient_quota, rate_limited',
    labelNames: ['key', 'code'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The open-stream gauge reads this when scraped. */
  trackOpenStreams(source: () => number): void {
    this.openStreamsSource = source;
  }

  streamRejected(code: string): void {
    this.streamsRejected.inc({ code: safeLabel(code) });
  }

  eventPublished(type: string): void {
    this.unscrapedEvents.set(type, (this.unscrapedEvents.get(type) ?? 0) + 1);
  }

  generationStarted(provider: string): void {
    this.generationsStarted.inc({ provider });
  }

  firstToken(provider: string, elapsedMs: number): void {
    this.timeToFirstToken.observe({ provider }, elapsedMs / 1000);
  }

  retried(provider: string, code: string): void {
    this.retries.inc({ provider, code: safeLabel(code) });
  }

  generationEnded(
    provider: string,
    outcome: LlmCallOutcome,
    elapsedMs: number,
  ): void {
    if ('errorCode' in outcome) {
      const cancelled = outcome.errorCode === 'cancelled';
      if (cancelled) {
        this.generationsFinished.inc({ provider, finish_reason: 'cancelled' });
      } else {
        this.generationsFailed.inc({
          provider,
          code: safeLabel(outcome.errorCode),
        });
      }
      this.callDuration.observe(
        { provider, outcome: cancelled ? 'cancelled' : 'failed' },
        elapsedMs / 1000,
      );
      return;
    }
    this.generationsFinished.inc({
      provider,
      finish_reason: safeLabel(outcome.finishReason),
    });
    this.callDuration.observe(
      { provider, outcome: 'finished' },
      elapsedMs / 1000,
    );
    if (outcome.usage) {
      this.tokens.inc({ provider, type: 'prompt' }, outcome.usage.promptTokens);
      this.tokens.inc(
        { provider, type: 'completion' },
        outcome.usage.completionTokens,
      );
    }
  }

  requestHandled(
    method: string,
    route: string,
    status: number,
    elapsedMs: number | undefined,
  ): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    if (elapsedMs !== undefined) {
      this.httpDuration.observe({ method, route }, elapsedMs / 1000);
    }
  }

  keyCallEnded(
    key: string,
    model: string,
    outcome: 'finished' | 'failed' | 'cancelled',
    usage: { promptTokens: number; completionTokens: number },
  ): void {
    const labels = { key: safeLabel(key), model: safeLabel(model) };
    this.keyCalls.inc({ ...labels, outcome });
    this.keyTokens.inc({ ...labels, type: 'prompt' }, usage.promptTokens);
    this.keyTokens.inc(
      { ...labels, type: 'completion' },
      usage.completionTokens,
    );
  }

  keyRefused(key: string, code: string): void {
    this.keyRefusals.inc({ key: safeLabel(key), code: safeLabel(code) });
  }

  authFailed(code: string): void {
    this.authFailures.inc({ code: safeLabel(code) });
  }

  rateLimitHit(limiter: string): void {
    this.rateLimited.inc({ limiter: safeLabel(limiter) });
  }
}
