import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { HttpErrors } from '../errors/http-errors.js';
import { findShapeViolation } from './json-shape.js';

/**
 * Nest's `ValidationPipe`, after a check of the raw body and query for what
 * class-transformer mishandles (see `findShapeViolation`): a body of deeply
 * nested brackets would otherwise overflow its stack and answer 500, and a
 * `__proto__` or `constructor` field would pass the whitelist unnoticed.
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const violation = findShapeViolation(value);
      if (violation) {
        throw HttpErrors.validation(
          `${violation.field}: ${violation.message}`,
          [violation],
        );
      }
    }
    return super.transform(value, metadata);
  }
}
