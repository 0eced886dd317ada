import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LlmError } from '../../llm-error.js';
import type {
  AccessTokenStore,
  CachedToken,
} from '../../token-store/access-token-store.js';
import { joinUrl, requestUpstream } from '../http/upstream-request.js';
import {
  isSuccess,
  readBodyJson,
  upstreamErrorFrom,
} from '../http/upstream-response.js';

export interface ErnieCredentials {
  apiKey: string;
  secretKey: string;
  /** e.g. `https://aip.baidubce.com` */
  authBaseUrl: string;
}

export interface AccessTokenSourceOptions {
  /** Longest wait for the token endpoint's whole answer. */
  timeoutMs: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
  /** Told each token in use, so that no log line or error can show it. */
  secrets?: { add(secret: string): void };
}

/** Refresh this share of a token's lifetime before it runs out… */
const REFRESH_SHARE = 0.1;
/** …but never more than a day early (tokens live 30 days). */
const MAX_REFRESH_MARGIN_MS = 24 * 3600_000;
/** When the answer omits `expires_in`, assume a short life rather than 30 days. */
const ASSUMED_LIFETIME_S = 3600;

/**
 * ERNIE OAuth access tokens (client-credentials grant), cached in the
 * injected `AccessTokenStore` and stored with `expiresAt` already moved a
 * safety margin ahead of the real expiry, so every reader of the store
 * refreshes early. Concurrent callers that find no usable token share one
 * token request through the store's single flight (across instances when
 * the store is shared).
 */
export class ErnieAccessTokenSource {
  private readonly logger = new Logger('ErnieAccessToken');
  /** Store key: per API key, without putting the key itself in the store. */
  private readonly key: string;
  private readonly now: () => number;

  constructor(
    private readonly credentials: ErnieCredentials,
    private readonly store: AccessTokenStore,
    private readonly options: AccessTokenSourceOptions,
  ) {
    const digest = createHash('sha256')
      .update(credentials.apiKey)
      .digest('hex')
      .slice(0, 16);
    this.key = `ernie:${digest}`;
    this.now = options.now ?? Date.now;
  }

  /** A usable token, from the cache or freshly issued. */
  async get(signal: AbortSignal): Promise<string> {
    const cached = await this.store.get(this.key);
    const token = this.usable(cached)
      ? cached.token
      : (
          await untilAborted(
            this.store.singleFlight(this.key, () => this.refresh()),
            signal,
          )
        ).token;
    // Also a token another instance obtained (a shared store).
    this.options.secrets?.add(token);
    return token;
  }

  /**
   * Forgets a token ERNIE rejected, unless another caller already replaced
   * it (then the replacement stays and is used).
   */
  async invalidate(token: string): Promise<void> {
    const cached = await this.store.get(this.key);
    if (cached?.token === token) await this.store.delete(this.key);
  }

  private usable(token: CachedToken | undefined): token is CachedToken {
    return token !== undefined && token.expiresAt > this.now();
  }

  private async refresh(): Promise<CachedToken> {
    // Another caller (or instance) may have refreshed while this one waited.
    const cached = await this.store.get(this.key);
    if (this.usable(cached)) return cached;
    const issued = await this.request();
    await this.store.set(this.key, issued);
    return issued;
  }

  private async request(): Promise<CachedToken> {
    const url = new URL(
      joinUrl(this.credentials.authBaseUrl, '/oauth/2.0/token'),
    );
    url.search = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.apiKey,
      client_secret: this.credentials.secretKey,
    }).toString();
    const what = 'the ERNIE token service';
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const response = await requestUpstream(
      url.toString(),
      { method: 'POST', headers: { Accept: 'application/json' } },
      { signal, connectTimeoutMs: this.options.timeoutMs, what },
    ).catch((error: unknown) => {
      throw signal.aborted ? LlmError.timeout(`${what} did not answer`) : error;
    });
    const body = (await readBodyJson(response).catch(() => {
      if (signal.aborted) throw LlmError.timeout(`${what} did not answer`);
      return undefined;
    })) as
      | { access_token?: unknown; expires_in?: unknown; error?: unknown }
      | undefined;
    if (typeof body?.access_token === 'string' && body.access_token) {
      const lifetimeMs =
        (typeof body.expires_in === 'number' && body.expires_in > 0
          ? body.expires_in
          : ASSUMED_LIFETIME_S) * 1000;
      const margin = Math.min(
        MAX_REFRESH_MARGIN_MS,
        lifetimeMs * REFRESH_SHARE,
      );
      this.logger.log(
        `Obtained an ERNIE access token, valid for ${Math.round(lifetimeMs / 3_600_000)} h`,
      );
      return {
        token: body.access_token,
        expiresAt: this.now() + lifetimeMs - margin,
      };
    }
    if (typeof body?.error === 'string') {
      const refused = new LlmError(
        'upstream_auth',
        'ERNIE refused the API key or secret key; check ERNIE_API_KEY and ERNIE_SECRET_KEY.',
        { upstreamCode: body.error },
      );
      // The code as LlmError kept it: the service's own text may echo the secrets.
      this.logger.error(
        `The ERNIE token service refused the credentials (${refused.upstreamCode ?? 'unrecognised error'})`,
      );
      throw refused;
    }
    if (!isSuccess(response)) throw upstreamErrorFrom(response, body, what);
    throw new LlmError(
      'upstream_protocol',
      'The ERNIE token service answered without a token.',
    );
  }
}

/** Waits for a shared promise, but lets this caller leave when its signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(LlmError.cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(LlmError.cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
