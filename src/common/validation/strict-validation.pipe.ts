import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { HttpErrors } from '../errors/http-errors.js';
import { findShapeViolation } from './json-shape.js';

/**
 * Nest's `ValidationPipe`, after a check of the raw value for what
 * class-transformer mishandles (see `findShapeViolation`): a body of deeply
 * nested brackets would otherwise overflow its stack and answer 500, and,
 * where unknown fields are refused, a `__proto__` or `constructor` field
 * would pass the whitelist unnoticed.
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    // Only what the client sent (bodies and queries are parsed JSON-like
    // trees); other custom parameters may be objects of the app itself.
    const fromClient =
      metadata.type === 'body' ||
      metadata.type === 'query' ||
      (metadata.type === 'custom' && this.validateCustomDecorators);
    if (fromClient) {
      const violation = findShapeViolation(value, {
        refuseReservedKeys: this.validatorOptions.forbidNonWhitelisted === true,
      });
      if (violation) {
        // The message starts with the field: named once.
        throw HttpErrors.validation(violation.message, [violation]);
      }
    }
    return super.transform(value, metadata);
  }
}
