import type { JsonBudget } from '../common/validation/json-shape.js';
import { jsonBudget } from '../common/validation/json-budget.settings.js';
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
  jsonBudget: JsonBudget;
}

export const httpSettings = (env: Env): HttpSettings => ({
  connections: {
    maxConnections: env.MAX_CONNECTIONS,
    maxConnectionsPerIp: maxConnectionsPerIp(env),
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
  },
  trustProxyHops: env.TRUST_PROXY_HOPS,
  allowedHosts: env.ALLOWED_HOSTS ?? '',
  host: env.HOST,
  corsOrigins: env.CORS_ORIGINS,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
  jsonBudget: jsonBudget(env),
});

/**
 * MAX_CONNECTIONS_PER_IP, or its default: a quarter of MAX_CONNECTIONS, and
 * none behind a proxy, where every connection comes from the proxy's address.
 */
function maxConnectionsPerIp(env: Env): number | undefined {
  if (env.MAX_CONNECTIONS_PER_IP !== undefined) {
    return env.MAX_CONNECTIONS_PER_IP;
  }
  if (env.TRUST_PROXY_HOPS > 0) return undefined;
  return Math.max(1, Math.ceil(env.MAX_CONNECTIONS / 4));
}
