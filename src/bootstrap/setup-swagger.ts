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
          '`/server/events` (Server-Sent Events). Errors are JSON `{statusCode, code, message, details?}`.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
