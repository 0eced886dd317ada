import { ValidationError } from 'class-validator';
import { validationExceptionFactory } from './validation-exception.factory.js';

function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), {
    property,
    constraints,
    children,
  });
}

describe('validationExceptionFactory', () => {
  it('names a nested field once, by its whole path', () => {
    const failure = validationExceptionFactory([
      error('response_format', undefined, [
        error('type', {
          isIn: 'type must be one of the following values: text',
        }),
      ]),
    ]);
    expect(failure.message).toBe(
      'response_format.type must be one of the following values: text',
    );
    expect(failure.details?.errors).toEqual([
      {
        field: 'response_format.type',
        rule: 'isIn',
        message:
          'response_format.type must be one of the following values: text',
      },
    ]);
  });

  it('names an unknown field once', () => {
    const failure = validationExceptionFactory([
      error('model', {
        whitelistValidation: 'property model should not exist',
      }),
    ]);
    expect(failure.message).toBe('model should not exist');
  });

  it('puts the path before a message that does not start with the property', () => {
    const failure = validationExceptionFactory([
      error('stop', { custom: 'too many sequences' }),
    ]);
    expect(failure.message).toBe('stop: too many sequences');
  });
});
