import { ConfigService } from '@nestjs/config';
import { EnvironmentVariables } from './env.schema.js';

/**
 * The validated configuration, typed: `config.get('PORT', { infer: true })` is
 * a number checked by the compiler. Inject `ConfigService` and annotate it
 * with this type.
 */
export type AppConfig = ConfigService<EnvironmentVariables, true>;
