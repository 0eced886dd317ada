import { ValidateBy, type ValidationOptions } from 'class-validator';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNamedFunction = (value: unknown): boolean =>
  isPlainObject(value) &&
  typeof value.name === 'string' &&
  value.name.length > 0 &&
  value.name.length <= 64;

function rule(
  name: string,
  validate: (value: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    { name, validator: { validate, defaultMessage: () => message } },
    options,
  );
}

/** `stop`: one string or up to 4, none empty (as OpenAI). */
export const IsStopSequences = (options?: ValidationOptions) =>
  rule(
    'isStopSequences',
    (value) =>
      (typeof value === 'string' && value.length > 0) ||
      (Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= 4 &&
        value.every((item) => typeof item === 'string' && item.length > 0)),
    '$property must be a non-empty string or an array of 1 to 4 non-empty strings',
    options,
  );

/** `tool_choice`: `none`, `auto`, `required` or `{type: "function", function: {name}}`. */
export const IsToolChoice = (options?: ValidationOptions) =>
  rule(
    'isToolChoice',
    (value) =>
      value === 'none' ||
      value === 'auto' ||
      value === 'required' ||
      (isPlainObject(value) &&
        value.type === 'function' &&
        isNamedFunction(value.function)),
    '$property must be "none", "auto", "required" or {"type":"function","function":{"name":…}}',
    options,
  );

/** Legacy `function_call`: `none`, `auto` or `{name}`. */
export const IsFunctionCallChoice = (options?: ValidationOptions) =>
  rule(
    'isFunctionCallChoice',
    (value) => value === 'none' || value === 'auto' || isNamedFunction(value),
    '$property must be "none", "auto" or {"name":…}',
    options,
  );

/** `logit_bias`: token ids (as strings) to numbers in [-100, 100]. */
export const IsLogitBias = (options?: ValidationOptions) =>
  rule(
    'isLogitBias',
    (value) =>
      isPlainObject(value) &&
      Object.keys(value).length <= 300 &&
      Object.entries(value).every(
        ([token, bias]) =>
          /^\d{1,10}$/.test(token) &&
          typeof bias === 'number' &&
          bias >= -100 &&
          bias <= 100,
      ),
    '$property must map token ids to numbers between -100 and 100',
    options,
  );

/** `metadata`: at most 16 string pairs, keys ≤ 64 and values ≤ 512 characters. */
export const IsMetadata = (options?: ValidationOptions) =>
  rule(
    'isMetadata',
    (value) =>
      isPlainObject(value) &&
      Object.keys(value).length <= 16 &&
      Object.entries(value).every(
        ([key, item]) =>
          key.length <= 64 && typeof item === 'string' && item.length <= 512,
      ),
    '$property must hold at most 16 string values (keys up to 64, values up to 512 characters)',
    options,
  );

/** A JSON object (not an array, not null). */
export const IsJsonObject = (options?: ValidationOptions) =>
  rule('isJsonObject', isPlainObject, '$property must be an object', options);
