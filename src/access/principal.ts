import type { Request } from 'express';
import { ANONYMOUS_OWNER } from '../conversations/conversation.js';

/** Who made a request, once the API key guard has accepted it. */
export interface Principal {
  /** Stable, non-secret id of the API key (`k_` and 12 hex digits of its SHA-256). */
  keyId: string;
  /** An operator's key (ADMIN_API_KEYS): may read and cancel any conversation. */
  admin?: boolean;
}

/**
 * The one principal of open mode (no API_KEYS): every caller is it, so all
 * callers share the conversations and the default channel.
 */
export const ANONYMOUS: Principal = { keyId: ANONYMOUS_OWNER };

/** The identity limits apply to: the API key, or the address when the API is open. */
export interface ClientIdentity {
  kind: 'key' | 'ip';
  id: string;
}

const PRINCIPAL = Symbol('principal');

type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function setPrincipal(request: Request, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

export function principalOf(request: Request): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}

export function clientIdentityOf(request: Request): ClientIdentity {
  const principal = principalOf(request);
  return principal
    ? { kind: 'key', id: principal.keyId }
    : { kind: 'ip', id: request.ip ?? 'unknown' };
}
