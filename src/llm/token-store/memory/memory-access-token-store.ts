import { AccessTokenStore, type CachedToken } from '../access-token-store.js';

/** Tokens of one process; concurrent refreshes of a key share one promise. */
export class MemoryAccessTokenStore extends AccessTokenStore {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  get(key: string): Promise<CachedToken | undefined> {
    return Promise.resolve(this.tokens.get(key));
  }

  set(key: string, token: CachedToken): Promise<void> {
    this.tokens.set(key, token);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.tokens.delete(key);
    return Promise.resolve();
  }

  singleFlight(
    key: string,
    refresh: () => Promise<CachedToken>,
  ): Promise<CachedToken> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = refresh().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}
