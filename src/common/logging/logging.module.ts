import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app-config.service.js';
import { envOf } from '../../config/settings.js';
import { REDACTED_PATHS, redactUrl } from './redact.js';
import { SecretRedactor } from './secret-redactor.js';
import { SecretsModule } from './secrets.module.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Structured JSON logs with pino (pretty when LOG_PRETTY is set), one request
 * id per request on every line, taken from `X-Request-Id` when the caller
 * sent a sane one and returned in the answer. Secrets are censored: the
 * fields that hold them by path, and every configured secret wherever it
 * appears in a line (`SecretRedactor`), messages and errors included.
 */
@Module({
  imports: [
    SecretsModule,
    LoggerModule.forRootAsync({
      imports: [SecretsModule],
      inject: [ConfigService, SecretRedactor],
      useFactory: (config: AppConfig, secrets: SecretRedactor) => ({
        pinoHttp: {
          level: envOf(config).LOG_LEVEL,
          // Each line as written, after serialisation: no field or message
          // can slip past it.
          hooks: { streamWrite: (line: string) => secrets.redact(line) },
          transport: envOf(config).LOG_PRETTY
            ? { target: 'pino-pretty', options: { singleLine: true } }
            : undefined,
          redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
          genReqId: (request: IncomingMessage, response: ServerResponse) => {
            const sent = request.headers['x-request-id'];
            const id =
              typeof sent === 'string' && REQUEST_ID.test(sent)
                ? sent
                : randomUUID();
            response.setHeader('X-Request-Id', id);
            return id;
          },
          serializers: {
            req: (request: {
              id: unknown;
              method: string;
              url: string;
              headers?: Record<string, unknown>;
            }) => ({
              id: request.id,
              method: request.method,
              url: redactUrl(request.url),
            }),
            res: (response: { statusCode: number }) => ({
              statusCode: response.statusCode,
            }),
          },
          customLogLevel: (
            _request: IncomingMessage,
            response: ServerResponse,
            error?: Error,
          ) =>
            // 503 is a refusal to try again later (overloaded, shutting
            // down, upstream unavailable), not a fault of the server: under
            // load shedding one error line each would add to the load.
            error || (response.statusCode >= 500 && response.statusCode !== 503)
              ? 'error'
              : response.statusCode >= 400
                ? 'warn'
                : 'info',
        },
      }),
    }),
  ],
})
export class LoggingModule {}
