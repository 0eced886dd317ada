/** The configured keys (`ApiKeys`). */
export const API_KEYS = Symbol('API_KEYS');
/** The stream token signer (`StreamTokenSigner`). */
export const STREAM_TOKEN_SIGNER = Symbol('STREAM_TOKEN_SIGNER');
