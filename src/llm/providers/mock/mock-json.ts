type Schema = Record<string, unknown>;

/** Deeper than any schema a client means; a recursive `$ref` stops here. */
const MAX_DEPTH = 12;

/**
 * A JSON value that satisfies `schema`, made from `prompt` alone, so the same
 * request always gets the same value: strings are the prompt (cut or padded
 * to their length limits), numbers its length (moved into their range), a
 * boolean whether that length is even, an enum's value is picked by it.
 * Objects get their required properties (and, where none are required, the
 * first one: the mock's tool calls always said something), arrays their
 * least number of items (at least one). `anyOf`/`oneOf` take the first
 * branch that is not `null`, type lists the first type that is not; local
 * `$ref`s (`#/$defs/…`, `#/definitions/…`) are followed. What the mock
 * cannot read (`not`, `if`, patterns) is not honoured.
 */
export function jsonFor(schema: unknown, prompt: string): unknown {
  return new ValueMaker(asSchema(schema), prompt).make(asSchema(schema), 0);
}

class ValueMaker {
  private readonly seed: number;

  constructor(
    private readonly root: Schema,
    private readonly prompt: string,
  ) {
    this.seed = prompt.length;
  }

  make(raw: Schema, depth: number): unknown {
    const schema = this.resolve(raw, depth);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      return this.pick(schema.enum);
    }
    const branches = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(branches) && branches.length > 0) {
      const branch =
        branches.map(asSchema).find((b) => b.type !== 'null') ??
        asSchema(branches[0]);
      return this.make(
        { ...withoutKeys(schema, 'anyOf', 'oneOf'), ...branch },
        depth + 1,
      );
    }
    if (Array.isArray(schema.allOf)) {
      const merged = schema.allOf
        .map((part) => this.resolve(asSchema(part), depth + 1))
        .reduce<Schema>(mergeSchemas, withoutKeys(schema, 'allOf'));
      return this.make(merged, depth + 1);
    }
    switch (typeOf(schema)) {
      case 'null':
        return null;
      case 'boolean':
        return this.seed % 2 === 0;
      case 'integer':
        return this.number(schema, true);
      case 'number':
        return this.number(schema, false);
      case 'array':
        return this.array(schema, depth);
      case 'object':
        return this.object(schema, depth);
      default:
        return this.string(schema);
    }
  }

  private object(schema: Schema, depth: number): Record<string, unknown> {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const names = Object.keys(properties);
    const required = Array.isArray(schema.required)
      ? schema.required.filter(
          (name): name is string => typeof name === 'string',
        )
      : [];
    const chosen = required.length > 0 ? required : names.slice(0, 1);
    const value: Record<string, unknown> = {};
    if (depth >= MAX_DEPTH) return value;
    for (const name of chosen) {
      value[name] = this.make(asSchema(properties[name]), depth + 1);
    }
    return value;
  }

  private array(schema: Schema, depth: number): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : min;
    const count = depth >= MAX_DEPTH ? 0 : Math.min(Math.max(min, 1), max);
    if (Array.isArray(schema.prefixItems)) {
      return schema.prefixItems
        .slice(0, Math.max(count, schema.prefixItems.length))
        .map((item) => this.make(asSchema(item), depth + 1));
    }
    const items = asSchema(schema.items);
    return Array.from({ length: count }, () => this.make(items, depth + 1));
  }

  private number(schema: Schema, integer: boolean): number {
    const bound = (key: string): number | undefined =>
      typeof schema[key] === 'number' ? schema[key] : undefined;
    const exclusiveMin = bound('exclusiveMinimum');
    const exclusiveMax = bound('exclusiveMaximum');
    let min = bound('minimum');
    let max = bound('maximum');
    if (exclusiveMin !== undefined) min = exclusiveMin + (integer ? 1 : 0.5);
    if (exclusiveMax !== undefined) max = exclusiveMax - (integer ? 1 : 0.5);
    let value = this.seed;
    if (max !== undefined && value > max) value = max;
    if (min !== undefined && value < min) value = min;
    return integer ? Math.ceil(value) : value;
  }

  private string(schema: Schema): string {
    switch (schema.format) {
      case 'date-time':
        return '2026-01-01T00:00:00Z';
      case 'date':
        return '2026-01-01';
      case 'time':
        return '00:00:00';
      case 'email':
        return 'mock@example.com';
      case 'uri':
      case 'url':
        return 'https://example.com/';
      case 'uuid':
        return '00000000-0000-4000-8000-000000000000';
    }
    let text = this.prompt;
    if (typeof schema.maxLength === 'number') {
      // JSON Schema counts code points, as `Array.from` splits a string.
      text = Array.from(text).slice(0, schema.maxLength).join('');
    }
    if (typeof schema.minLength === 'number') {
      text = text.padEnd(schema.minLength, '.');
    }
    return text;
  }

  private pick(values: unknown[]): unknown {
    return values[this.seed % values.length];
  }

  /** The schema a local `$ref` points to, with the referring schema's own keys. */
  private resolve(schema: Schema, depth: number): Schema {
    if (typeof schema.$ref !== 'string' || depth >= MAX_DEPTH) return schema;
    const target = schema.$ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter((part) => part.length > 0)
      .reduce<unknown>(
        (node, part) =>
          isSchema(node)
            ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')]
            : undefined,
        this.root,
      );
    return this.resolve(
      { ...asSchema(target), ...withoutKeys(schema, '$ref') },
      depth + 1,
    );
  }
}

function typeOf(schema: Schema): string {
  const type = Array.isArray(schema.type)
    ? (schema.type.find((t) => t !== 'null') ?? schema.type[0])
    : schema.type;
  if (typeof type === 'string') return type;
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function mergeSchemas(into: Schema, part: Schema): Schema {
  const properties = {
    ...(isSchema(into.properties) ? into.properties : {}),
    ...(isSchema(part.properties) ? part.properties : {}),
  };
  const required = [
    ...(Array.isArray(into.required) ? into.required : []),
    ...(Array.isArray(part.required) ? part.required : []),
  ];
  return { ...into, ...part, properties, required };
}

function withoutKeys(schema: Schema, ...keys: string[]): Schema {
  return Object.fromEntries(
    Object.entries(schema).filter(([key]) => !keys.includes(key)),
  );
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchema(value: unknown): Schema {
  return isSchema(value) ? value : {};
}
