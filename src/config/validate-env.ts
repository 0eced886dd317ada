import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables } from './env.schema.js';

/**
 * Validates the raw environment and returns it typed, with defaults applied.
 * Throws one error naming every bad variable, so that the process refuses to
 * start with a message an operator can act on. Values are never echoed: a
 * variable may hold a secret.
 */
export function validateEnv(
  raw: Record<string, unknown>,
): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, {
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, {
    skipMissingProperties: false,
    forbidUnknownValues: false,
  });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const rules = Object.values(error.constraints ?? {}).join('; ');
      return `  - ${error.property}: ${rules}`;
    });
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
