import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ANONYMOUS, principalOf, type Principal } from './principal.js';

/**
 * The handler parameter that receives who made the request: the principal
 * the API key guard set, or the anonymous one when the API is open. The
 * global validation pipe leaves custom parameters alone, so the value is
 * passed as it is.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    principalOf(context.switchToHttp().getRequest<Request>()) ?? ANONYMOUS,
);
