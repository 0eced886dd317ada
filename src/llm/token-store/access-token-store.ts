/** A cached upstream access token and when it stops being usable (epoch ms). */
export interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Where upstream access tokens (ERNIE's OAuth client-credentials tokens) are
 * cached, and its injection token: in memory for one process, in Redis when
 * instances share one token. Tokens are secrets: implementations never log
 * them.
 */
export abstract class AccessTokenStore {
  abstract get(key: string): Promise<CachedToken | undefined>;

  abstract set(key: string, token: CachedToken): Promise<void>;

  abstract delete(key: string): Promise<void>;

  /**
   * Runs `refresh` so that concurrent callers for the same key, in this
   * process and (for shared stores) in others, cause one refresh: the others
   * wait for it and receive its result. Single flight.
   */
  abstract singleFlight(
    key: string,
    refresh: () => Promise<CachedToken>,
  ): Promise<CachedToken>;
}
