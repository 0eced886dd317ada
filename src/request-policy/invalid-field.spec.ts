import { fieldRefusal } from '../../test/support/field-refusal.js';
import { AppError } from '../common/errors/app-error.js';
import { invalidField, withFieldNames } from './invalid-field.js';

describe('withFieldNames', () => {
  const refuse = (field: string) => () =>
    invalidField(field, 'someRule', `${field} is refused here`);

  it('names a refused field as the client sent it, in the details and the message', () => {
    expect(
      fieldRefusal(() =>
        withFieldNames(refuse('max_tokens'), (field) =>
          field === 'max_tokens' ? 'max_output_tokens' : undefined,
        ),
      ),
    ).toEqual({
      field: 'max_output_tokens',
      rule: 'someRule',
      message: 'max_output_tokens is refused here',
    });
  });

  it('renames a path by its prefix when asked to', () => {
    expect(
      fieldRefusal(() =>
        withFieldNames(refuse('messages.2.content'), (field) =>
          field.replace(/^messages\.2/, 'input.5'),
        ),
      ),
    ).toMatchObject({
      field: 'input.5.content',
      message: 'input.5.content is refused here',
    });
  });

  it('leaves other errors and unnamed fields as they are', () => {
    const other = new AppError('model_not_found', 'no such model', 404);
    expect(() =>
      withFieldNames(
        () => {
          throw other;
        },
        () => 'x',
      ),
    ).toThrow(other);
    expect(
      fieldRefusal(() =>
        withFieldNames(refuse('temperature'), () => undefined),
      ),
    ).toMatchObject({ field: 'temperature' });
    expect(
      withFieldNames(
        () => 42,
        () => 'x',
      ),
    ).toBe(42);
  });
});
