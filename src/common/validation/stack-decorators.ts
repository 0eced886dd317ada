/**
 * One decorator that applies `decorators` as if they were written one above
 * the other in this order: the last first, as TypeScript applies a stack.
 * class-validator checks a field's rules in the order they were applied, and
 * answers with the first failure, so the order is kept.
 */
export function stackDecorators(
  ...decorators: PropertyDecorator[]
): PropertyDecorator {
  return (target, property) => {
    for (const decorator of [...decorators].reverse()) {
      decorator(target, property);
    }
  };
}
