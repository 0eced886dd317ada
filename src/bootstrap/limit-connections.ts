import type { Server } from 'node:http';

export interface ConnectionLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * Keeps idle or slow sockets from using up the process's file descriptors,
 * which upstream calls and Redis need too. Past `maxConnections`, Node closes
 * new sockets at once (before any byte is read), so the open ones keep
 * working. A chat client sends its headers at once and reuses a connection
 * within seconds, so Node's defaults (60 s for headers, 300 s per request)
 * are cut down; none of these limits the life of an event stream, whose
 * request is complete as soon as its headers are in.
 */
export function limitConnections(server: Server, limits: ConnectionLimits) {
  server.maxConnections = limits.maxConnections;
  server.requestTimeout = Math.max(
    limits.requestTimeoutMs,
    limits.headersTimeoutMs,
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node checks the two timeouts above every 30 s by default, which would
  // let a slow client hold its socket up to 30 s longer than configured.
  // A `createServer()` option, which Node reads when the server starts
  // listening (not in its types as a property).
  (
    server as Server & { connectionsCheckingInterval: number }
  ).connectionsCheckingInterval = Math.min(1_000, limits.headersTimeoutMs);
}
