import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppError } from '../common/errors/app-error.js';
import { MetricsService } from '../metrics/metrics.service.js';
import {
  ACCEPTS_STREAM_TOKEN,
  bindStreamToken,
} from './accepts-stream-token.decorator.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import {
  API_KEYS,
  AUTH_FAILURE_LIMITS,
  STREAM_TOKEN_SIGNER,
} from './access.di-tokens.js';
import { AuthFailureCounter } from './auth-failure-counter.js';
import { ApiKeys } from './api-keys.js';
import { setPrincipal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { StreamTokenError, StreamTokenSigner } from './stream-token-signer.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
/** Refusals that count against the address (AUTH_FAILURE_LIMIT). */
const GUESSES = new Set(['invalid_api_key', 'invalid_stream_token']);

/**
 * When API_KEYS is set, every route needs `Authorization: Bearer <key>`
 * except those marked `@Public()`; routes marked `@AcceptsStreamToken()`
 * also take a signed `?streamToken=`. The accepted key's id becomes the
 * request's principal (rate limits, stream limits). When API_KEYS is unset
 * the API is open and this guard lets everything through.
 *
 * Failures are 401 with `WWW-Authenticate: Bearer` (403 for a token used on
 * another conversation); nothing presented is ever logged or echoed. Each
 * wrong key or forged token counts against the client's address: past
 * AUTH_FAILURE_LIMIT in a window, the address's failing requests get 429
 * (with Retry-After) until the window ends. A valid key or token is always
 * served, even from a locked-out address: behind a proxy (or a NAT) one
 * address is many clients, and an attacker's guesses must not lock the
 * others out. What keeps guessing hopeless is the keys' length (at least
 * 16 characters of a random secret); the lockout bounds the cost and noise
 * of failed attempts.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    @Inject(STREAM_TOKEN_SIGNER) private readonly tokens: StreamTokenSigner,
    private readonly failures: AuthFailureCounter,
    @Inject(AUTH_FAILURE_LIMITS)
    private readonly limits: { maxFailures: number },
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || !this.keys.enabled) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const address = request.ip ?? 'unknown';
    try {
      this.authenticate(
        request,
        this.reflector.get<boolean | undefined>(
          ACCEPTS_STREAM_TOKEN,
          context.getHandler(),
        ) === true,
      );
      return true;
    } catch (error) {
      if (error instanceof AppError) {
        await this.assertNotLockedOut(address);
        this.metrics?.authFailed(error.code);
        // The reason only: what was presented is never logged.
        this.logger.debug(
          `Refused ${request.method} ${request.route?.path ?? ''}: ${error.code}`,
        );
        if (error.status === 401) {
          response.setHeader('WWW-Authenticate', 'Bearer realm="api"');
        }
        // Only a wrong credential is a guess: a missing or expired one is a
        // page that has not been given its key yet, or one to renew.
        if (GUESSES.has(error.code)) await this.failures.recordFailure(address);
      }
      throw error;
    }
  }

  private authenticate(request: Request, streamRoute: boolean): void {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const presented = BEARER.exec(header)?.[1];
      const keyId = presented ? this.keys.identify(presented) : undefined;
      if (!keyId) {
        throw new AppError(
          'invalid_api_key',
          'The API key is not valid. Send Authorization: Bearer <key> with a key from API_KEYS.',
          401,
        );
      }
      setPrincipal(request, this.principal(keyId));
      return;
    }
    const query = request.query as Record<string, unknown>;
    if (streamRoute && typeof query.streamToken === 'string') {
      const claims = this.verifyStreamToken(query.streamToken);
      bindStreamToken(request, claims.conversationId);
      setPrincipal(request, this.principal(claims.keyId));
      return;
    }
    throw new AppError(
      'missing_api_key',
      streamRoute
        ? 'Authentication required: send Authorization: Bearer <key>, or a streamToken from POST /server/stream-tokens.'
        : 'Authentication required: send Authorization: Bearer <key>.',
      401,
    );
  }

  /** A failing request from an address past AUTH_FAILURE_LIMIT failures in its window is refused with 429. */
  private async assertNotLockedOut(address: string): Promise<void> {
    const window = await this.failures.current(address);
    if (window.failures < this.limits.maxFailures) return;
    this.metrics?.authFailed('too_many_auth_failures');
    throw HttpErrors.tooMany(
      'too_many_auth_failures',
      'Too many failed authentications from this address; try again later.',
      { retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)) },
    );
  }

  private principal(keyId: string) {
    return this.keys.isAdmin(keyId) ? { keyId, admin: true } : { keyId };
  }

  private verifyStreamToken(token: string) {
    try {
      const claims = this.tokens.verify(token);
      // A token outlives nothing: once its key is removed from API_KEYS it is void.
      if (!this.keys.has(claims.keyId)) {
        throw new StreamTokenError('bad_signature');
      }
      return claims;
    } catch (error) {
      if (!(error instanceof StreamTokenError)) throw error;
      const expired = error.reason === 'expired';
      throw new AppError(
        expired ? 'stream_token_expired' : 'invalid_stream_token',
        expired
          ? 'The stream token has expired; get a new one from POST /server/stream-tokens.'
          : 'The stream token is not valid.',
        401,
      );
    }
  }
}
