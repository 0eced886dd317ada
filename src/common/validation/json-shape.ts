import type { FieldError } from '../errors/http-errors.js';

/**
 * Deeper than any request the API defines (a chat body is 3 levels deep), and
 * shallow enough for the recursive class-transformer and class-validator,
 * which overflow the stack (a 500) on a body of nested brackets.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * How much JSON a request may hold before any of it is transformed or
 * validated: class-transformer copies every value and class-validator
 * visits every element, at tens of microseconds each, so that a 650 KB tool
 * schema of 60 000 keys costs 2.6 s of one event loop. These
 * bound the work per request whatever its fields: free-form ones (tool
 * `parameters`, `json_schema`, `metadata`, `logit_bias`) and arrays alike
 * (`messages`, `tools`, `stop`, content parts), whose own rules
 * (MAX_HISTORY_MESSAGES, 128 tools…) then run on at most this much.
 */
export interface JsonBudget {
  /** Nesting levels (MAX_JSON_DEPTH). */
  maxDepth: number;
  /** Values of every kind in the whole body (JSON_MAX_NODES). */
  maxNodes: number;
  /** Keys of any one object (JSON_MAX_KEYS). */
  maxKeys: number;
  /** Items of any one array (JSON_MAX_ARRAY_ITEMS). */
  maxItems: number;
}

export const DEFAULT_JSON_BUDGET: JsonBudget = {
  maxDepth: MAX_JSON_DEPTH,
  maxNodes: 10_000,
  maxKeys: 1_000,
  maxItems: 1_000,
};

/**
 * Keys that class-transformer skips, or Nest's pipe strips, without a word,
 * so that the `forbidNonWhitelisted` check never sees them and a body
 * carrying them would be accepted with the field silently dropped.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A path is named in messages; past this it is cut (a key may be long). */
const MAX_FIELD_CHARS = 200;

interface Visit {
  value: unknown;
  key: string;
  parent: Visit | undefined;
  depth: number;
}

/**
 * The first thing in a parsed JSON body (or query) that validation cannot be
 * trusted with: nesting past `maxDepth`, more values, keys or items than the
 * budget, or a reserved key (where unknown fields are refused). One
 * iterative pass (no recursion, so that the check itself cannot overflow the
 * stack), in which each value is visited once and each container's size is
 * judged before any of its children is; a path is built only for the field
 * named in a refusal. Hand-written rather than a JSON-schema validator:
 * no schema describes "any JSON, this big at most", and this is the walk
 * the depth and reserved-key checks already made (60 000 keys refused in
 * about 5 ms, bench `worst-input`).
 */
export function findShapeViolation(
  value: unknown,
  {
    refuseReservedKeys = true,
    budget = DEFAULT_JSON_BUDGET,
  }: { refuseReservedKeys?: boolean; budget?: JsonBudget } = {},
): FieldError | undefined {
  const stack: Visit[] = [{ value, key: '', parent: undefined, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if (++nodes > budget.maxNodes) {
      const field = fieldOf(visit.parent) || 'body';
      return {
        field,
        rule: 'maxNodes',
        message: `${field}: the body must not hold more than ${budget.maxNodes} values (JSON_MAX_NODES)`,
      };
    }
    const current = visit.value;
    if (typeof current !== 'object' || current === null) continue;
    if (visit.depth >= budget.maxDepth) {
      const field = topField(visit);
      return {
        field,
        rule: 'maxDepth',
        message: `${field} must not be nested more than ${budget.maxDepth} levels deep`,
      };
    }
    if (Array.isArray(current)) {
      if (current.length > budget.maxItems) {
        const field = fieldOf(visit) || 'body';
        return {
          field,
          rule: 'maxItems',
          message: `${field} must not hold more than ${budget.maxItems} items (JSON_MAX_ARRAY_ITEMS)`,
        };
      }
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({
          value: current[index] as unknown,
          key: String(index),
          parent: visit,
          depth: visit.depth + 1,
        });
      }
      continue;
    }
    const keys = Object.keys(current);
    if (keys.length > budget.maxKeys) {
      const field = fieldOf(visit) || 'body';
      return {
        field,
        rule: 'maxKeys',
        message: `${field} must not hold more than ${budget.maxKeys} keys (JSON_MAX_KEYS)`,
      };
    }
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index];
      const child: Visit = {
        value: (current as Record<string, unknown>)[key],
        key,
        parent: visit,
        depth: visit.depth + 1,
      };
      if (refuseReservedKeys && RESERVED_KEYS.has(key)) {
        const field = fieldOf(child);
        return {
          field,
          rule: 'whitelistValidation',
          message: `${field} should not exist`,
        };
      }
      stack.push(child);
    }
  }
  return undefined;
}

/** The dotted path of a visited value (`tools.0.function.parameters`); '' for the root. */
function fieldOf(visit: Visit | undefined): string {
  const keys: string[] = [];
  for (let at = visit; at?.parent !== undefined; at = at.parent) {
    keys.push(at.key);
  }
  const field = keys.reverse().join('.');
  return field.length > MAX_FIELD_CHARS
    ? `${field.slice(0, MAX_FIELD_CHARS)}…`
    : field;
}

/** The top-level field a value is in. */
function topField(visit: Visit): string {
  let at = visit;
  while (at.parent?.parent !== undefined) at = at.parent;
  return at.key;
}
