import { Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { HttpErrors } from '../common/errors/http-errors.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { principalOf } from './principal.js';

/**
 * `@nestjs/throttler`'s guard, counting per API key (or per address when the
 * API is open) across all routes rather than per route, and refusing with the
 * gateway's own 429 body, whose `Retry-After` the exception filter sets.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(
    request: Record<string, any>,
  ): Promise<string> {
    const principal = principalOf(request as Request);
    return principal
      ? `key:${principal.keyId}`
      : `ip:${await super.getTracker(request)}`;
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    throttlerName: string,
  ): string {
    return `${throttlerName}|${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const limiter = detail.key.slice(0, detail.key.indexOf('|'));
    this.metrics?.rateLimitHit(limiter);
    const windowSeconds = Math.ceil(detail.ttl / 1000);
    throw HttpErrors.tooMany(
      'rate_limited',
      `Too many requests: at most ${detail.limit} ${limiter === 'streams' ? 'stream opens' : 'requests'} per ${windowSeconds} s (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS). Retry after ${detail.timeToBlockExpire} s.`,
      {
        retryAfterSeconds: Math.max(1, detail.timeToBlockExpire),
        limit: detail.limit,
        windowSeconds,
      },
    );
  }
}
