import 'reflect-metadata';
import {
  getMetadataStorage,
  IsInt,
  IsString,
  MetadataStorage,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { Type } from 'class-transformer';
import { vi } from 'vitest';
import { cacheValidationMetadata } from './class-validator-metadata.seam.js';

class Parent {
  @IsString()
  name: string;
}

class Child extends Parent {
  @IsInt()
  count: number;
}

class Holder {
  @ValidateNested()
  @Type(() => Child)
  child: Child;
}

const rulesOf = (storage: MetadataStorage, target: object) =>
  storage
    .getTargetValidationMetadatas(target as never, '', false, false)
    .map((m) => `${m.propertyName}:${m.name ?? m.type}`)
    .sort();

/** A storage of its own holding the rules of `Child` (and its parent's). */
function storageWithChild(): MetadataStorage {
  const storage = new MetadataStorage();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(
    Child,
    '',
    false,
    false,
  ))
    storage.addValidationMetadata(m);
  return storage;
}

describe('class-validator metadata seam (fails when class-validator changes how it looks rules up)', () => {
  it('the methods it wraps are still the storage’s, with the arity it calls', () => {
    const proto = MetadataStorage.prototype;
    expect(typeof proto.getTargetValidationMetadatas).toBe('function');
    expect(proto.getTargetValidationMetadatas.length).toBe(5);
    expect(typeof proto.groupByPropertyName).toBe('function');
    expect(typeof proto.addValidationMetadata).toBe('function');
  });

  it('answers what the storage answered, inherited rules included', () => {
    const storage = storageWithChild();
    const before = rulesOf(storage, Child);
    expect(before).toEqual(['count:isInt', 'name:isString']);
    cacheValidationMetadata(storage);
    expect(rulesOf(storage, Child)).toEqual(before);
    expect(rulesOf(storage, Parent)).toEqual(['name:isString']);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(
      storage.getTargetValidationMetadatas(Child, '', false, false),
    );
  });

  it('is looked up once per class: validateSync goes through the global storage’s methods', () => {
    const storage = getMetadataStorage();
    const lookup = vi.spyOn(
      MetadataStorage.prototype,
      'getTargetValidationMetadatas',
    );
    try {
      cacheValidationMetadata(storage);
      const holder = () =>
        Object.assign(new Holder(), {
          child: Object.assign(new Child(), { name: 'a', count: 1 }),
        });
      expect(validateSync(holder())).toEqual([]);
      const afterFirst = lookup.mock.calls.length;
      for (let i = 0; i < 5; i++) expect(validateSync(holder())).toEqual([]);
      // Without the cache every validation scans again (2 classes × 6).
      expect(lookup.mock.calls.length).toBe(afterFirst);
    } finally {
      lookup.mockRestore();
    }
  });

  it('validates as without the cache, and sees a rule added after the first validation', () => {
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
