import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import type { ErrorBody } from '../common/errors/app-error.js';

const LOCAL_NAMES = ['localhost', '*.localhost'];
const OPERATIONS = /^\/(health\/|metrics$)/;

const MISDIRECTED: ErrorBody = {
  statusCode: 421,
  code: 'host_not_allowed',
  message:
    'This server does not answer to that host name; add it to ALLOWED_HOSTS.',
  details: {
    errors: [
      {
        field: 'Host',
        rule: 'isAllowedHost',
        message: 'Host must be a local name, an IP address or in ALLOWED_HOSTS',
      },
    ],
  },
};

const MISSING_HOST: ErrorBody = {
  statusCode: 400,
  code: 'missing_host',
  message: 'An HTTP/1.1 request must carry a Host header.',
  details: {
    errors: [
      {
        field: 'Host',
        rule: 'isDefined',
        message: 'Host must be sent with every HTTP/1.1 request',
      },
    ],
  },
};

/**
 * Node answers an HTTP/1.1 request without `Host` itself, with a bare 400
 * and no body; with its check off, `allowedHostsMiddleware` answers it in
 * the JSON error format like every other error. (`requireHostHeader` is a
 * `createServer()` option that Node reads from the server on each request.)
 */
export function answerMissingHostAsJson(server: Server): void {
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
}

/**
 * Refuses an HTTP/1.1 request without `Host` (400, RFC 9112), and requests whose `Host` is a name the server was not told about
 * (421, in the JSON error format), which defeats DNS rebinding: a page of
 * `evil.example` that re-points its name at 127.0.0.1 still sends
 * `Host: evil.example`. Local names and IP addresses always pass, since
 * rebinding needs a name; `ALLOWED_HOSTS` adds names (`*.example.com` for
 * sub-domains, `*` for any). Health checks and metrics answer under any
 * name: probes and scrapers call a service name, and neither holds anything
 * a rebinding page could use.
 */
export function allowedHostsMiddleware(configured: string, boundHost: string) {
  const patterns = [...LOCAL_NAMES, boundHost, ...configured.split(',')]
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const anyHost = patterns.includes('*');
  const allowed = (host: string) =>
    anyHost ||
    isIP(host) !== 0 ||
    patterns.some((pattern) =>
      pattern.startsWith('*.')
        ? host.endsWith(pattern.slice(1))
        : host === pattern,
    );
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.headers.host === undefined && request.httpVersion === '1.1') {
      response.status(400).set('Connection', 'close').json(MISSING_HOST);
      return;
    }
    if (OPERATIONS.test(request.path)) return next();
    if (allowed(hostName(request.headers.host ?? ''))) return next();
    response.status(421).json(MISDIRECTED);
  };
}

/** `Host` without its port and IPv6 brackets, lower case. */
function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.replace(/:\d*$/, '').replace(/\.$/, '');
}
