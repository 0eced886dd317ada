import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf, type Principal } from './principal.js';

/**
 * The handler parameter that receives the API key's principal, or
 * `undefined` when the API is open (no API_KEYS): for handlers whose answer
 * differs between a key and no key at all (usage reports, stream tokens,
 * per-key usage of a model call). `@CurrentPrincipal()` gives the anonymous
 * principal instead.
 */
export const KeyPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    principalOf(context.switchToHttp().getRequest<Request>()),
);
