import type { FieldError } from '../errors/http-errors.js';
import type { JsonBudget } from './json-shape.js';

/** A path is named in messages; past this it is cut (as `findShapeViolation` does). */
const MAX_FIELD_CHARS = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** A container being read: how many members it has so far, and where its current key is. */
interface Frame {
  object: boolean;
  members: number;
  /** Byte span of the current member's key (objects). */
  keyStart: number;
  keyEnd: number;
}

/**
 * The JSON budget (`findShapeViolation`'s values, keys, items and depth)
 * checked on the raw bytes of a body, before `JSON.parse` builds anything:
 * parsing an 880 KB tool schema of 60 000 keys and listing its keys held the
 * event loop for 70 ms before the parsed check could refuse it (bench
 * `worst-input`), where this scan takes a few milliseconds per megabyte and
 * allocates nothing. It reads only the structure (brackets, commas, colons
 * and where strings start and end, which UTF-8 cannot confuse), so a body
 * that is not JSON is left to the parser to refuse. The refusal names the
 * same field with the same message as the check on the parsed value, which
 * still runs after it (and alone on queries). Hand-written because the
 * parsers with limits (stream-json, clarinet) build tokens for every value
 * and cost more than `JSON.parse` itself.
 */
export function findRawBudgetViolation(
  body: Uint8Array,
  budget: JsonBudget,
): FieldError | undefined {
  const stack: Frame[] = [];
  // The root value counts, as each member does.
  let nodes = 1;
  let inString = false;
  for (let at = 0; at < body.length; at++) {
    const byte = body[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) {
        inString = false;
        const top = stack[stack.length - 1];
        if (top?.object && top.keyEnd === -1) top.keyEnd = at;
      }
      continue;
    }
    if (byte <= 0x20) continue;
    const top = stack[stack.length - 1];
    if (
      top &&
      top.members === 0 &&
      byte !== CLOSE_ARRAY &&
      byte !== CLOSE_OBJECT
    ) {
      // The first member of a container.
      top.members = 1;
      if (++nodes > budget.maxNodes) return tooManyNodes(body, stack, budget);
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        if (top?.object && top.keyStart === -1) top.keyStart = at + 1;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (stack.length >= budget.maxDepth) {
          const field = topField(body, stack);
          return {
            field,
            rule: 'maxDepth',
            message: `${field} must not be nested more than ${budget.maxDepth} levels deep`,
          };
        }
        stack.push({
          object: byte === OPEN_OBJECT,
          members: 0,
          keyStart: -1,
          keyEnd: -1,
        });
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        stack.pop();
        break;
      case COMMA:
        if (!top) break;
        top.members++;
        if (top.object) {
          top.keyStart = -1;
          top.keyEnd = -1;
          if (top.members > budget.maxKeys) {
            const field = pathOf(body, stack, stack.length - 1) || 'body';
            return {
              field,
              rule: 'maxKeys',
              message: `${field} must not hold more than ${budget.maxKeys} keys (JSON_MAX_KEYS)`,
            };
          }
        } else if (top.members > budget.maxItems) {
          const field = pathOf(body, stack, stack.length - 1) || 'body';
          return {
            field,
            rule: 'maxItems',
            message: `${field} must not hold more than ${budget.maxItems} items (JSON_MAX_ARRAY_ITEMS)`,
          };
        }
        if (++nodes > budget.maxNodes) return tooManyNodes(body, stack, budget);
        break;
      case COLON:
      default:
        break;
    }
  }
  return undefined;
}

function tooManyNodes(
  body: Uint8Array,
  stack: Frame[],
  budget: JsonBudget,
): FieldError {
  const field = pathOf(body, stack, stack.length - 1) || 'body';
  return {
    field,
    rule: 'maxNodes',
    message: `${field}: the body must not hold more than ${budget.maxNodes} values (JSON_MAX_NODES)`,
  };
}

/** The dotted path of the container at `depth` (`tools.0.function.parameters`); '' for the root. */
function pathOf(body: Uint8Array, stack: Frame[], depth: number): string {
  const keys: string[] = [];
  for (let level = 0; level < depth; level++)
    keys.push(memberOf(body, stack[level]));
  const field = keys.join('.');
  return field.length > MAX_FIELD_CHARS
    ? `${field.slice(0, MAX_FIELD_CHARS)}…`
    : field;
}

/** The top-level field the innermost container is in. */
function topField(body: Uint8Array, stack: Frame[]): string {
  return stack.length > 0 ? memberOf(body, stack[0]) : '';
}

/** The key (objects) or index (arrays) of a container's current member. */
function memberOf(body: Uint8Array, frame: Frame): string {
  if (!frame.object) return String(frame.members - 1);
  const raw = Buffer.from(
    body.buffer,
    body.byteOffset + frame.keyStart,
    frame.keyEnd - frame.keyStart,
  ).toString('utf8');
  try {
    // The key as the client meant it, escapes read (only for a refusal).
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
