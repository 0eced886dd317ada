import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document at `/docs-json`, Swagger UI at `/docs`. */
export function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Streaming chat gateway')
      .setDescription(
        'POST a message to `/server/send`; the reply streams token by token to subscribers of ' +
          '`/server/events` (Server-Sent Events). Errors are JSON `{statusCode, code, message, details?}`.\n\n' +
          'OpenAI-compatible API under `/v1` (`/v1/chat/completions`, `/v1/models`), with ' +
          'OpenAI-shaped errors `{"error":{message,type,code,param}}`.\n\n' +
          '**Authentication**: when the server has API_KEYS set, every `/server/*` and `/v1/*` route ' +
          'needs `Authorization: Bearer <key>`; `/server/events` also takes `?streamToken=` from ' +
          '`POST /server/stream-tokens` (for EventSource, which cannot send headers). The page at `/`, ' +
          'these docs, `/health/*` and `/metrics` are public. Rate limits answer 429 with `Retry-After`.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description:
          'One of the API_KEYS (needed only when the server sets API_KEYS).',
      })
      .addTag('chat', "The gateway's own chat API and its event stream")
      .addTag('openai', 'OpenAI-compatible API (point an OpenAI client at /v1)')
      .addTag('operations', 'Health checks and metrics (public)')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
