import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  maxConnections: number;
  /** Open sockets per TCP peer address; `undefined`: no cap of its own. */
  maxConnectionsPerIp: number | undefined;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * Keeps idle or slow sockets from using up the process's file descriptors,
 * which upstream calls and Redis need too. Past `maxConnections`, Node closes
 * new sockets at once (before any byte is read), so the open ones keep
 * working; past `maxConnectionsPerIp` from one address, so do we, so that
 * one address cannot take every slot. A chat client sends its headers at
 * once and reuses a connection within seconds, so Node's defaults (60 s for
 * headers, 300 s per request) are cut down; none of these limits the life
 * of an event stream, whose request is complete as soon as its headers are
 * in.
 *
 * A socket that sends nothing at all is closed by Node's own check, at most
 * `connectionsCheckingInterval` after `headersTimeout` (measured on Node 20
 * and 24: a silent socket gets its 408 at 1.0-2.0 s with a 1 s timeout), so
 * no timer of ours is needed. Our `clientError` handler, which writes that
 * 408, closes the socket fully, not half-way: a half-closed silent socket
 * stays open for good (see `answerClientErrorsAsJson`).
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
  if (limits.maxConnectionsPerIp !== undefined) {
    capConnectionsPerAddress(server, limits.maxConnectionsPerIp);
  }
}

/**
 * Closes a new socket, before anything is read from it, when its address
 * already holds `max` open sockets. Counted on `connection` and `close`, so
 * the count is exactly the open sockets of each address.
 */
function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
