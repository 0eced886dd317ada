import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config.service.js';
import { envOf } from '../../config/settings.js';
import { configuredSecrets } from './configured-secrets.js';
import { SecretRedactor } from './secret-redactor.js';

/**
 * The process's one `SecretRedactor` (one instance, however many modules
 * import this one), filled with the secrets the environment configures; the
 * logger redacts every line with it, the LLM module adds the catalogue's
 * keys and each ERNIE access token, and `/metrics` is redacted with it.
 */
@Module({
  providers: [
    {
      provide: SecretRedactor,
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        new SecretRedactor(configuredSecrets(envOf(config))),
    },
  ],
  exports: [SecretRedactor],
})
export class SecretsModule {}
