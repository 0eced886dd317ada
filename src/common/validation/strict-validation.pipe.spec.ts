import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { IsArray, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import fc from 'fast-check';
import { SendMessageDto } from '../../chat/dto/send-message.dto.js';
import { absentNulls } from './absent-nulls.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import { validationExceptionFactory } from './validation-exception.factory.js';

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: validationExceptionFactory,
};
const BODY: ArgumentMetadata = { type: 'body', metatype: SendMessageDto };

class Tag {
  @IsString()
  name: string;
}

class Tagged {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Tag)
  tags: Tag[];
}

/** What a pipe answers: the instance it returns, or the error it throws. */
async function outcome(
  pipe: PipeTransform,
  value: unknown,
  metadata: ArgumentMetadata,
): Promise<unknown> {
  try {
    const result: unknown = await pipe.transform(value, metadata);
    return { result, type: (result as object)?.constructor?.name };
  } catch (error) {
    return { error };
  }
}

describe('StrictValidationPipe', () => {
  // Bodies as `express.json()` gives them: JSON text parsed again, so that
  // each pipe gets a value of its own.
  const bodies = fc.oneof(
    fc.record(
      {
        messages: fc.array(
          fc.record(
            {
              role: fc.constantFrom('user', 'assistant', 'system', 1),
              content: fc.oneof(fc.string(), fc.integer()),
              extra: fc.string(),
            },
            { requiredKeys: [] },
          ),
        ),
        conversationId: fc.oneof(fc.string(), fc.constant('abc-123')),
        temperature: fc.oneof(fc.double(), fc.string()),
        stop: fc.oneof(fc.string(), fc.array(fc.string())),
        tools: fc.jsonValue({ maxDepth: 3 }),
        unknown: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 4 }),
  );

  it('answers parsed bodies exactly as Nest’s ValidationPipe does, once the shape check passes (null optional fields then absent)', async () => {
    const strict = new StrictValidationPipe(OPTIONS);
    const nest = new ValidationPipe(OPTIONS);
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const text = JSON.stringify(body) ?? 'null';
        fc.pre(!/"(?:__proto__|constructor|prototype)":/.test(text));
        const expected = (await outcome(nest, JSON.parse(text), BODY)) as {
          result?: unknown;
        };
        if ('result' in expected) absentNulls(expected.result);
        expect(await outcome(strict, JSON.parse(text), BODY)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads null in an optional field as the field not given', async () => {
    const pipe = new StrictValidationPipe(OPTIONS);
    const body = (await pipe.transform(
      { messages: [{ role: 'user', content: 'hi' }], n: null, model: null },
      BODY,
    )) as SendMessageDto;
    expect(body).toBeInstanceOf(SendMessageDto);
    expect('n' in body || 'model' in body).toBe(false);
  });

  it('refuses a reserved key by name rather than dropping it', async () => {
    const pipe = new StrictValidationPipe(OPTIONS);
    const body = JSON.parse(
      '{"messages":[{"role":"user","content":"hi"}],"prototype":{"x":1}}',
    ) as unknown;
    await expect(pipe.transform(body, BODY)).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'prototype should not exist',
    });
  });

  it('still closes the gaps of values that no parser built', async () => {
    const pipe = new StrictValidationPipe({
      ...OPTIONS,
      validateCustomDecorators: true,
    });
    // eslint-disable-next-line no-sparse-arrays
    const value = { tags: [, { name: 'a' }] };
    const result = await pipe.transform(value, {
      type: 'custom',
      metatype: Tagged,
    });
    expect(value.tags).toHaveLength(1);
    expect(result).toBeInstanceOf(Tagged);
  });

  it('still refuses a binary value where a nested object belongs, outside parsed values', async () => {
    const pipe = new StrictValidationPipe({
      ...OPTIONS,
      validateCustomDecorators: true,
    });
    await expect(
      pipe.transform(
        { tags: [Buffer.from('name')] },
        { type: 'custom', metatype: Tagged },
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
