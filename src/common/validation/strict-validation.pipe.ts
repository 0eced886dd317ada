import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { HttpErrors } from '../errors/http-errors.js';
import { absentNulls } from './absent-nulls.js';
import {
  DEFAULT_JSON_BUDGET,
  findShapeViolation,
  type JsonBudget,
} from './json-shape.js';

export interface StrictValidationOptions {
  /** How much JSON a value may hold (JSON_MAX_NODES, JSON_MAX_KEYS, JSON_MAX_ARRAY_ITEMS). */
  budget?: JsonBudget;
}

/**
 * Nest's `ValidationPipe`, after one linear check of the raw value for what
 * must not reach class-transformer and class-validator (see
 * `findShapeViolation`): more values, keys or items than the JSON budget,
 * whose transformation and validation would hold the event loop for seconds;
 * a body of deeply nested brackets, which would overflow their stack and
 * answer 500; and, where unknown fields are refused, a `__proto__` or
 * `constructor` field, which would pass the whitelist unnoticed.
 *
 * What the client sent comes out with `null` in an optional field read as
 * the field not given (`absentNulls`), for every route and API alike.
 *
 * Built on the pipe's public `transform()` only, overriding none of its
 * protected methods. The cache of class-validator's rule lookups, which
 * every validation goes through, is installed separately, from
 * `installSeams()` (`src/seams/class-validator-metadata.seam.ts`).
 */
export class StrictValidationPipe implements PipeTransform {
  private readonly validation: ValidationPipe;
  private readonly refusesReservedKeys: boolean;
  private readonly validatesCustom: boolean;

  constructor(
    options: ValidationPipeOptions = {},
    private readonly strict: StrictValidationOptions = {},
  ) {
    this.validation = new ValidationPipe(options);
    this.refusesReservedKeys = options.forbidNonWhitelisted === true;
    this.validatesCustom = options.validateCustomDecorators === true;
  }

  async transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    // Only what the client sent (bodies and queries are parsed JSON-like
    // trees); other custom parameters may be objects of the app itself.
    const fromClient =
      metadata.type === 'body' ||
      metadata.type === 'query' ||
      (metadata.type === 'custom' && this.validatesCustom);
    if (fromClient) {
      const violation = findShapeViolation(value, {
        refuseReservedKeys: this.refusesReservedKeys,
        budget: this.strict.budget ?? DEFAULT_JSON_BUDGET,
      });
      if (violation) {
        // The message starts with the field: named once.
        throw HttpErrors.validation(violation.message, [violation]);
      }
    }
    const validated: unknown = await this.validation.transform(value, metadata);
    return fromClient ? absentNulls(validated) : validated;
  }
}
