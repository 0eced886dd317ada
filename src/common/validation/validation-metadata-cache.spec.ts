import {
  getMetadataStorage,
  IsInt,
  IsString,
  MetadataStorage,
  validateSync,
} from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

class Parent {
  @IsString()
  name: string;
}

class Child extends Parent {
  @IsInt()
  count: number;
}

const rulesOf = (storage: MetadataStorage, target: object) =>
  storage
    .getTargetValidationMetadatas(target as never, '', false, false)
    .map((m) => `${m.propertyName}:${m.name ?? m.type}`)
    .sort();

describe('cacheValidationMetadata', () => {
  it('answers what the storage answered, inherited rules included, once per class', () => {
    const storage = new MetadataStorage();
    for (const m of getMetadataStorage().getTargetValidationMetadatas(
      Child,
      '',
      false,
      false,
    ))
      storage.addValidationMetadata(m);
    const before = rulesOf(storage, Child);
    expect(before).toEqual(['count:isInt', 'name:isString']);
    cacheValidationMetadata(storage);
    expect(rulesOf(storage, Child)).toEqual(before);
    expect(rulesOf(storage, Parent)).toEqual(['name:isString']);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(
      storage.getTargetValidationMetadatas(Child, '', false, false),
    );
  });

  it('validates as before, and sees a rule added after the first validation', () => {
    cacheValidationMetadata();
    class Late {
      @IsString()
      a: string;

      b: unknown;
    }
    const late = Object.assign(new Late(), { a: 'x', b: 'not an int' });
    expect(validateSync(late)).toEqual([]);
    IsInt()(Late.prototype, 'b');
    expect(validateSync(late).map((e) => e.property)).toEqual(['b']);
    expect(
      validateSync(Object.assign(new Child(), { name: 1, count: 'x' }))
        .map((e) => e.property)
        .sort(),
    ).toEqual(['count', 'name']);
  });
});
