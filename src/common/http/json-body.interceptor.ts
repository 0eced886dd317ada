import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import express, { type RequestHandler } from 'express';
import type { Observable } from 'rxjs';

/**
 * Reads and parses a route's JSON body (express's `json()`, with the body
 * limit) once the guards have let the request in: every global, controller
 * and route guard runs before any interceptor, and parameters are read and
 * validated after them. So a request without a valid key, over its rate
 * limit, or arriving while the process sheds load is refused before a byte
 * of its body is read (issue #24: unauthenticated POSTs were read up to the
 * body limit, 30 s for a slow client, and a 503 came only after the body
 * was validated), and an unknown route's body is never read. Parser errors
 * (bad JSON, too large) reach the exception filter as before.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly parse: RequestHandler;

  constructor(limitBytes: number) {
    this.parse = express.json({ limit: limitBytes });
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
