import type { FieldError } from '../errors/http-errors.js';

/**
 * Deeper than any request the API defines (a chat body is 3 levels deep), and
 * shallow enough for the recursive class-transformer and class-validator,
 * which overflow the stack (a 500) on a body of nested brackets.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys that class-transformer skips, or Nest's pipe strips, without a word,
 * so that the `forbidNonWhitelisted` check never sees them and a body
 * carrying them would be accepted with the field silently dropped.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first thing in a parsed JSON body (or query) that validation cannot be
 * trusted with: nesting past `maxDepth`, or a reserved key (where unknown
 * fields are refused). Walks iteratively, so that the check itself cannot
 * overflow the stack.
 */
export function findShapeViolation(
  value: unknown,
  {
    maxDepth = MAX_JSON_DEPTH,
    refuseReservedKeys = true,
  }: { maxDepth?: number; refuseReservedKeys?: boolean } = {},
): FieldError | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= maxDepth) {
      const field = path[0];
      return {
        field,
        rule: 'maxDepth',
        message: `${field} must not be nested more than ${maxDepth} levels deep`,
      };
    }
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      const childPath = [...path, key];
      if (refuseReservedKeys && !isArray && RESERVED_KEYS.has(key)) {
        const field = childPath.join('.');
        return {
          field,
          rule: 'whitelistValidation',
          message: `${field} should not exist`,
        };
      }
      stack.push({ value: child, path: childPath });
    }
  }
  return undefined;
}
