import type { Env } from '../config/settings.js';
import type { ConnectionLimits } from './limit-connections.js';

/** What the HTTP set-up (`configureHttp`) reads from the environment. */
export interface HttpSettings {
  connections: ConnectionLimits;
  trustProxyHops: number;
  /** ALLOWED_HOSTS, empty when unset. */
  allowedHosts: string;
  /** HOST: the address the server is bound to is always an allowed host. */
  host: string;
  corsOrigins: string;
  bodyLimitBytes: number;
}

export const httpSettings = (env: Env): HttpSettings => ({
  connections: {
    maxConnections: env.MAX_CONNECTIONS,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
  },
  trustProxyHops: env.TRUST_PROXY_HOPS,
  allowedHosts: env.ALLOWED_HOSTS ?? '',
  host: env.HOST,
  corsOrigins: env.CORS_ORIGINS,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
});
