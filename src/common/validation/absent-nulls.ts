import { getMetadataStorage, IS_OPTIONAL } from 'class-validator';

type Constructor = abstract new (...args: never[]) => unknown;

const optionalByClass = new WeakMap<Constructor, ReadonlySet<string>>();

/**
 * Deletes every `null` from the optional fields (`@IsOptional()`) of a
 * validated DTO instance and of the DTOs nested in it, so that `null` means
 * "not given", as OpenAI reads it: its clients serialise unset optional
 * fields as `null` (`n: null`, `function_call: null`…). `@IsOptional()`
 * already lets `null` through validation; without this, code past the DTO
 * would have to tell `null` from absent in every place that reads a field.
 * Fields that are not optional keep their `null` (an assistant turn's
 * `content: null` means something). Returns the instance, changed in place.
 */
export function absentNulls<T>(value: T): T {
  visit(value, 0);
  return value;
}

/** Past any DTO's nesting; the body's depth was checked before validation. */
const MAX_DEPTH = 64;

function visit(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) visit(item, depth + 1);
    return;
  }
  const type = value.constructor as Constructor | undefined;
  // Only DTO instances: plain objects are free-form values (a JSON schema, metadata).
  if (!type || type === Object) return;
  const optional = optionalFieldsOf(type);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null && optional.has(key)) delete record[key];
    else visit(record[key], depth + 1);
  }
}

function optionalFieldsOf(type: Constructor): ReadonlySet<string> {
  let optional = optionalByClass.get(type);
  if (!optional) {
    optional = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(type, '', true, false)
        .filter((rule) => rule.name === IS_OPTIONAL)
        .map((rule) => rule.propertyName),
    );
    optionalByClass.set(type, optional);
  }
  return optional;
}
