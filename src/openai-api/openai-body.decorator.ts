import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { StrictValidationPipe } from '../common/validation/strict-validation.pipe.js';
import { validationExceptionFactory } from '../common/validation/validation-exception.factory.js';

const extractBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Request>().body,
);

/**
 * The request body of an OpenAI-compatible route, validated against the
 * parameter's DTO but with unknown fields dropped instead of refused. As a
 * custom decorator it is skipped by the global pipe (which refuses unknown
 * fields, right for the gateway's own API but not for OpenAI clients, which
 * send optional fields this server has no use for).
 */
export const OpenAiBody = () =>
  extractBody(
    // Strict for its depth check: a body of nested brackets would overflow
    // class-transformer's stack (a 500).
    new StrictValidationPipe(
      {
        whitelist: true,
        forbidNonWhitelisted: false,
        transform: true,
        validateCustomDecorators: true,
        exceptionFactory: validationExceptionFactory,
      },
      { customValuesAreParsed: true },
    ),
  );
