import {
  createParamDecorator,
  Inject,
  Injectable,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { JSON_BUDGET } from '../common/validation/json-budget.settings.js';
import type { JsonBudget } from '../common/validation/json-shape.js';
import { StrictValidationPipe } from '../common/validation/strict-validation.pipe.js';
import { validationExceptionFactory } from '../common/validation/validation-exception.factory.js';

/** What `@OpenAiBody()` reads: the parsed body (see `@ReadsJsonBody()`). */
export const readRequestBody = (
  _data: unknown,
  context: ExecutionContext,
): unknown => context.switchToHttp().getRequest<Request>().body;

const extractBody = createParamDecorator(readRequestBody);

/**
 * Validates a `/v1` body with unknown fields dropped instead of refused.
 * Strict for its JSON budget and depth check: a body of nested brackets
 * would overflow class-transformer's stack (a 500), a 60 000-key tool schema
 * would hold the event loop for seconds.
 */
@Injectable()
export class OpenAiBodyPipe extends StrictValidationPipe {
  constructor(@Inject(JSON_BUDGET) budget: JsonBudget) {
    super(
      {
        whitelist: true,
        forbidNonWhitelisted: false,
        transform: true,
        validateCustomDecorators: true,
        exceptionFactory: validationExceptionFactory,
      },
      { budget },
    );
  }
}

/**
 * The request body of an OpenAI-compatible route, validated against the
 * parameter's DTO but with unknown fields dropped instead of refused. As a
 * custom decorator it is skipped by the global pipe (which refuses unknown
 * fields, right for the gateway's own API but not for OpenAI clients, which
 * send optional fields this server has no use for). The pipe is a class,
 * built by the route's module with the configured JSON budget.
 */
export const OpenAiBody = () => extractBody(OpenAiBodyPipe);
