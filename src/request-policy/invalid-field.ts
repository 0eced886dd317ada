import { HttpErrors } from '../common/errors/http-errors.js';

/**
 * A 400 for one field and rule. `text` starts with the field's path, so the
 * message names it once, whichever route or check produced it.
 */
export function invalidField(field: string, rule: string, text: string): never {
  throw HttpErrors.validation(text, [{ field, rule, message: text }]);
}
