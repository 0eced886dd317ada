import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

/**
 * A request that carries a body must say it is JSON. Without this, Express
 * would leave a `text/plain` body unparsed and the client would get a
 * confusing "messages must be an array" instead of the real problem.
 */
@Injectable()
export class RequireJsonMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && !request.is(['application/json', 'application/*+json'])) {
      next(
        new AppError(
          'unsupported_media_type',
          'The body must be JSON, sent with Content-Type: application/json.',
          415,
          {
            errors: [
              {
                field: 'Content-Type',
                rule: 'isJson',
                message: 'Content-Type must be application/json',
              },
            ],
          },
        ),
      );
      return;
    }
    next();
  }
}
