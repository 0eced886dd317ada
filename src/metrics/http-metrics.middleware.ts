import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/**
 * Counts every answered request by method, route pattern (`/server/conversations/:id`,
 * never the concrete URL, which may hold ids or tokens) and status, and times
 * the ones that are not event streams (those last as long as the client stays).
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const startedAt = performance.now();
    response.once('close', () => {
      const pattern = (request.route as { path?: unknown } | undefined)?.path;
      // Catch-all patterns (unknown routes, static files) would say nothing.
      const route =
        typeof pattern === 'string' && !pattern.includes('*')
          ? `${request.baseUrl}${pattern}`
          : 'other';
      const streamed = String(
        response.getHeader('Content-Type') ?? '',
      ).startsWith('text/event-stream');
      this.metrics.requestHandled(
        request.method,
        route,
        response.statusCode,
        streamed ? undefined : performance.now() - startedAt,
      );
    });
    next();
  }
}
