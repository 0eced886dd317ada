import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { configureHttp } from './bootstrap/configure-http.js';
import { httpSettings } from './bootstrap/http.settings.js';
import { setupSwagger } from './bootstrap/setup-swagger.js';
import type { AppConfig } from './config/app-config.service.js';
import { loadEnvironment } from './config/load-environment.js';
import { envOf } from './config/settings.js';
import { installSeams } from './seams/install-seams.js';

async function bootstrap(): Promise<void> {
  loadEnvironment();
  installSeams();
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
    // A provider that fails to start (Redis unreachable) rejects here and is
    // reported below as one line for the operator, instead of Nest exiting
    // by itself after printing a stack trace.
    abortOnError: false,
    autoFlushLogs: false,
    // By the time the server closes, StreamingShutdown has ended every stream and
    // waited for it to flush. Connections still open then (kept alive, or a
    // page retrying while we drain) are closed rather than waited for.
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const env = envOf(app.get<AppConfig>(ConfigService));
  configureHttp(app, httpSettings(env));
  setupSwagger(app);

  const host = env.HOST;
  await app.listen(env.PORT, host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  // Tests and scripts read this line to learn the port when PORT=0.
  app
    .get(Logger)
    .log(
      `Listening on http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      'Bootstrap',
    );

  // Signals are handled here rather than by enableShutdownHooks(), which
  // re-raises the signal after closing and so exits with 143 instead of 0.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal} received: draining`, 'Bootstrap');
    const hardDeadline = setTimeout(
      () => process.exit(1),
      env.SHUTDOWN_GRACE_MS + 10_000,
    );
    hardDeadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.get(Logger).error(error, 'Bootstrap');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await bootstrap().catch((error: unknown) => {
  // Configuration errors are written for operators: print them without a stack.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Start-up failed: ${message}\n`);
  process.exit(1);
});
