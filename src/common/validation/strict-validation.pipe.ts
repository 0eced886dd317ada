import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { HttpErrors } from '../errors/http-errors.js';
import { absentNulls } from './absent-nulls.js';
import { findShapeViolation } from './json-shape.js';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

/**
 * Nest's `ValidationPipe`, after a check of the raw value for what
 * class-transformer mishandles (see `findShapeViolation`): a body of deeply
 * nested brackets would otherwise overflow its stack and answer 500, and,
 * where unknown fields are refused, a `__proto__` or `constructor` field
 * would pass the whitelist unnoticed.
 *
 * It also spares parsed values two walks that only other parsers need:
 * bodies are parsed as JSON only (`configureHttp` installs no other body
 * parser) and queries by Node's `querystring`, and neither can produce a
 * sparse array, which Nest's pipe closes in every value (`closeArrayGaps`);
 * where the check above has refused the reserved keys, there are none for
 * `stripProtoKeys` to delete. Both are decided from the value each is given,
 * so nothing depends on the order in which Nest calls them. (Nest's third
 * walk, `findNestedBinaryValues`, runs on the instance built from the value,
 * which cannot be told apart without state carried between the calls: it is
 * left to run.)
 *
 * What the client sent comes out with `null` in an optional field read as
 * the field not given (`absentNulls`), for every route and API alike.
 */
export class StrictValidationPipe extends ValidationPipe {
  private readonly parsedValues = new WeakSet<object>();

  private readonly refusesReservedKeys: boolean;

  /**
   * `customValuesAreParsed`: the custom parameter decorators this pipe
   * validates return a parsed body (the `/v1` routes' `@OpenAiBody()`).
   */
  constructor(
    options?: ValidationPipeOptions,
    private readonly parsing: { customValuesAreParsed?: boolean } = {},
  ) {
    super(options);
    this.refusesReservedKeys =
      this.validatorOptions.forbidNonWhitelisted === true;
    cacheValidationMetadata();
  }

  override async transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    // Only what the client sent (bodies and queries are parsed JSON-like
    // trees); other custom parameters may be objects of the app itself.
    const validatedCustom =
      metadata.type === 'custom' && this.validateCustomDecorators;
    const fromParser =
      metadata.type === 'body' ||
      metadata.type === 'query' ||
      (validatedCustom && this.parsing.customValuesAreParsed === true);
    const fromClient = fromParser || validatedCustom;
    if (fromClient) {
      const violation = findShapeViolation(value, {
        refuseReservedKeys: this.refusesReservedKeys,
      });
      if (violation) {
        // The message starts with the field: named once.
        throw HttpErrors.validation(violation.message, [violation]);
      }
    }
    if (fromParser && typeof value === 'object' && value !== null) {
      this.parsedValues.add(value);
    }
    const validated: unknown = await super.transform(value, metadata);
    return fromClient ? absentNulls(validated) : validated;
  }

  protected override closeArrayGaps(value: unknown): void {
    if (!this.isParsed(value)) super.closeArrayGaps(value);
  }

  protected override stripProtoKeys(value: unknown): void {
    if (!(this.refusesReservedKeys && this.isParsed(value))) {
      super.stripProtoKeys(value);
    }
  }

  private isParsed(value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      this.parsedValues.has(value)
    );
  }
}
