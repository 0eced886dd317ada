import {
  Inject,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import express, { type RequestHandler } from 'express';
import type { Observable } from 'rxjs';
import type { AppConfig } from '../../config/app-config.service.js';
import { envOf } from '../../config/settings.js';
import { HttpErrors } from '../errors/http-errors.js';
import { jsonBudget } from '../validation/json-budget.settings.js';
import { findRawBudgetViolation } from '../validation/json-raw-budget.js';

/**
 * Reads and parses a route's JSON body (express's `json()`, with
 * BODY_LIMIT_BYTES) once the guards have let the request in: every global,
 * controller and route guard runs before any interceptor, and parameters are
 * read and validated after them. So a request without a valid key, over its
 * rate limit, or arriving while the process sheds load is refused before a
 * byte of its body is read (issue #24: unauthenticated POSTs were read up to
 * the body limit, 30 s for a slow client, and a 503 came only after the body
 * was validated), and the body of a route that takes none is never read.
 * Parser errors (bad JSON, too large) reach the exception filter as before.
 *
 * Bound per route (`@ReadsJsonBody()`), never globally: with any interceptor
 * on an `@Sse()` route, Nest subscribes to the handler's result lazily and
 * commits the stream's 200 headers one macrotask later, so an error the
 * handler throws after an `await` (a 404 for another key's conversation,
 * decided in Redis) became an event-stream error instead of its status.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly parse: RequestHandler;

  constructor(@Inject(ConfigService) config: AppConfig) {
    const env = envOf(config);
    const budget = jsonBudget(env);
    this.parse = express.json({
      limit: env.BODY_LIMIT_BYTES,
      // The JSON budget on the raw bytes, before JSON.parse builds anything
      // (see findRawBudgetViolation); other charsets are left to the check
      // on the parsed value.
      verify: (_request, _response, body, encoding) => {
        if (encoding.toLowerCase() !== 'utf-8') return;
        const violation = findRawBudgetViolation(body, budget);
        if (violation) {
          throw HttpErrors.validation(violation.message, [violation]);
        }
      },
    });
  }

  async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    if (context.getType() === 'http') {
      const http = context.switchToHttp();
      await new Promise<void>((resolve, reject) =>
        this.parse(http.getRequest(), http.getResponse(), (error?: unknown) =>
          error === undefined ? resolve() : reject(error),
        ),
      );
    }
    return next.handle();
  }
}

/** The route takes a JSON body: read once its guards have passed (see `JsonBodyInterceptor`). */
export const ReadsJsonBody = () => UseInterceptors(JsonBodyInterceptor);
