import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { AppExceptionFilter } from '../common/filters/app-exception.filter.js';
import { StrictValidationPipe } from '../common/validation/strict-validation.pipe.js';
import { validationExceptionFactory } from '../common/validation/validation-exception.factory.js';
import { EventStreamRoutes } from '../streaming/event-stream-routes.js';
import { openAiErrorRenderer } from '../openai-api/openai-errors.js';
import {
  allowedHostsMiddleware,
  answerMissingHostAsJson,
} from './allowed-hosts.js';
import { parseCorsOrigins } from './cors-origins.js';
import type { HttpSettings } from './http.settings.js';
import { answerClientErrorsAsJson } from './json-client-errors.js';
import { limitConnections } from './limit-connections.js';

/**
 * Everything about HTTP that is not a route: proxy trust, security headers,
 * CORS, body parsing with its size limit, compression (never of event
 * streams), validation and the error format. Used by `main.ts` and by the
 * tests that build the app in-process, so both run the same stack.
 */
export function configureHttp(
  app: NestExpressApplication,
  settings: HttpSettings,
): void {
  const eventStreams = app.get(EventStreamRoutes);
  const isEventStreamPath = (path: string) => eventStreams.has(path);
  answerClientErrorsAsJson(app.getHttpServer());
  answerMissingHostAsJson(app.getHttpServer());
  limitConnections(app.getHttpServer(), settings.connections);
  app.set('trust proxy', settings.trustProxyHops);
  app.disable('x-powered-by');
  app.use(allowedHostsMiddleware(settings.allowedHosts, settings.host));
  const cors = parseCorsOrigins(settings.corsOrigins);
  const documentHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // The page may talk to an API on another origin (configurable in
        // the page): those CORS_ORIGINS lets in, and no other.
        connectSrc: ["'self'", ...cors.connectSources],
        // Helmet's default would rewrite every http:// request of the page to
        // https://, which breaks the page served over plain HTTP under any
        // host name but localhost (and an API base on another http origin).
        upgradeInsecureRequests: null,
      },
    },
    // The API is called from pages of other origins (the original page is opened as a file).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // Sent below, and only over HTTPS: over plain HTTP it means nothing.
    strictTransportSecurity: false,
  });
  // An event stream is no document: the page and policy headers (CSP,
  // framing, referrer, opener...) mean nothing on it, and Node keeps every
  // header of a response for the stream's whole life (about 1 KB per idle
  // connection of the 3 KB of headers a stream holds, bench/analysis.md).
  // What applies to any answer stays: nosniff and the resource policy.
  const streamHeaders = helmet({
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.use((request: Request, response: Response, next: () => void) =>
    isEventStreamPath(request.path)
      ? streamHeaders(request, response, next)
      : documentHeaders(request, response, next),
  );
  app.use(strictTransportSecurityOverHttps);
  app.enableCors({
    origin: cors.option,
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'Last-Event-ID',
      'X-Request-Id',
      'X-Requested-With',
    ],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  const compress = compression({
    // Compressing an event stream buffers it: events would arrive in bursts.
    filter: (request: Request, response: Response) =>
      !String(response.getHeader('Content-Type') ?? '').startsWith(
        'text/event-stream',
      ) && compression.filter(request, response),
  });
  // Only what is read with GET is worth compressing (the page, its scripts,
  // the API description, conversations), and never the event stream: the
  // middleware wraps `write()` of every response it sees, which cost 19 % of
  // the CPU of delivering events and some of every POST (bench/results.md).
  app.use((request: Request, response: Response, next: () => void) =>
    request.method === 'GET' && !isEventStreamPath(request.path)
      ? compress(request, response, next)
      : next(),
  );
  // Bodies are parsed once guards have let the request in, by the routes
  // that take one (`@ReadsJsonBody()`), not by a middleware in front of
  // every route.
  app.useGlobalPipes(
    new StrictValidationPipe(
      {
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        exceptionFactory: validationExceptionFactory,
      },
      { budget: settings.jsonBudget },
    ),
  );
  app.useGlobalFilters(new AppExceptionFilter([openAiErrorRenderer]));
}

/**
 * HSTS only on a request that came over HTTPS (`request.secure`, which
 * believes `X-Forwarded-Proto` only from TRUST_PROXY_HOPS proxies).
 */
function strictTransportSecurityOverHttps(
  request: Request,
  response: Response,
  next: () => void,
): void {
  if (request.secure) {
    response.setHeader(
      'Strict-Transport-Security',
      'max-age=31536000; includeSubDomains',
    );
  }
  next();
}
