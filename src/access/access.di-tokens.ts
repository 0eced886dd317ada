/** The configured keys (`ApiKeys`). */
export const API_KEYS = Symbol('API_KEYS');
/** The stream token signer (`StreamTokenSigner`). */
export const STREAM_TOKEN_SIGNER = Symbol('STREAM_TOKEN_SIGNER');
/** `{ maxFailures }`: failed authentications allowed per address and window. */
export const AUTH_FAILURE_LIMITS = Symbol('AUTH_FAILURE_LIMITS');
