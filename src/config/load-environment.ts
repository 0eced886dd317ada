import { existsSync } from 'node:fs';
import { loadCatalogue } from '../llm/catalogue/catalogue-loader.js';
import { validateEnv } from './validate-env.js';

/**
 * Loads `.env` from the working directory (variables already set win) and
 * validates the result, before any module is loaded. `ConfigModule` checks
 * it again, but its check runs inside a promise that Node would report as an
 * unhandled rejection with a stack trace; this one throws where `main.ts`
 * turns it into a one-paragraph message and exit code 1.
 */
export function loadEnvironment(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
  // The model catalogue too: a bad MODELS_FILE entry stops start-up here, named.
  loadCatalogue(validateEnv(process.env), process.env);
}
