import {
  Inject,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import express, { type RequestHandler } from 'express';
import type { AppConfig } from '../../config/app-config.service.js';
import { envOf } from '../../config/settings.js';
import { HttpErrors } from '../errors/http-errors.js';
import { jsonBudget } from '../validation/json-budget.settings.js';
import { findRawBudgetViolation } from '../validation/json-raw-budget.js';

/**
 * Reads and parses a route's JSON body (express's `json()`, with
 * BODY_LIMIT_BYTES) once the other guards have let the request in: global
 * and controller guards run before route guards, and `@ReadsJsonBody()`
 * puts this one last among the route's (`json-body.guard.spec.ts` checks
 * every route). So a request without a valid key, over its rate limit, or
 * arriving while the process sheds load is refused before a byte of its body
 * is read (reading it first would hold an unauthenticated POST up to the
 * body limit, 30 s for a slow client, and send a 503 only after the body is
 * validated), and the body of a route that takes none is never read.
 * Parameters are read and validated after every guard. Parser errors (bad
 * JSON, too large) reject the guard and reach the exception filter like any
 * other error.
 *
 * A guard, not an interceptor: any interceptor on a route puts Nest's
 * Observable pipeline (`defer`, `mergeAll`, `takeUntil` on disconnect,
 * `lastValueFrom`) around its handler, ~40 µs and 7 KB per
 * `POST /server/send` in the profile (bench/analysis.md), and on an `@Sse()`
 * route it makes Nest commit the stream's 200 headers one macrotask later,
 * so an error thrown after an `await` (a 404 for another key's
 * conversation, decided in Redis) becomes an event-stream error instead of
 * its status.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'http') {
      const http = context.switchToHttp();
      await new Promise<void>((resolve, reject) =>
        this.parse(http.getRequest(), http.getResponse(), (error?: unknown) =>
          error === undefined ? resolve() : reject(error),
        ),
      );
    }
    return true;
  }
}

/**
 * The route takes a JSON body, read once its other guards have passed (see
 * `JsonBodyGuard`). Put it above the route's other guard decorators
 * (`@AcceptsNewWork()`): decorators apply bottom-up, so it then runs last.
 */
export const ReadsJsonBody = () => UseGuards(JsonBodyGuard);
