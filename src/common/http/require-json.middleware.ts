import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request that carries a body must say it is JSON. Without this, Express
 * would leave a `text/plain` body unparsed and the client would get a
 * confusing "messages must be an array" instead of the real problem.
 *
 * A request that changes something (any POST or DELETE, with or without a
 * body) must also be one that a page of another site cannot send without a
 * CORS preflight, which the server only grants to CORS_ORIGINS: so it needs
 * `Content-Type: application/json`, an `X-Requested-With` header, or an
 * `Authorization` header (no more safelisted than the others: the official
 * OpenAI SDKs send `DELETE /v1/responses/{id}` with only their bearer key).
 */
@Injectable()
export class RequireJsonMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    const needsPreflight =
      !SAFE_METHODS.has(request.method) &&
      !JSON_TYPE.test(request.headers['content-type'] ?? '') &&
      request.headers['x-requested-with'] === undefined &&
      request.headers.authorization === undefined;
    const notJson =
      hasBody && !request.is(['application/json', 'application/*+json']);
    if (notJson || needsPreflight) {
      next(
        new AppError(
          'unsupported_media_type',
          hasBody
            ? 'The body must be JSON, sent with Content-Type: application/json.'
            : 'Send Content-Type: application/json (or an X-Requested-With header) with every POST and DELETE.',
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
