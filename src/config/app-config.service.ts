import { ConfigService } from '@nestjs/config';
import { EnvironmentVariables } from './env.schema.js';

/**
 * The validated configuration, typed: `get('PORT', { infer: true })` is a
 * number checked by the compiler. Outside `src/config/`, read it through
 * `envOf()` or a module's settings slice (`settings.ts`), not `get`.
 */
export type AppConfig = ConfigService<EnvironmentVariables, true>;
