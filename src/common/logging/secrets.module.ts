import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config.service.js';
import { envOf } from '../../config/settings.js';
import { configuredSecrets } from './configured-secrets.js';
import { SecretRedactor } from './secret-redactor.js';

/**
 * The process's one `SecretRedactor`, filled with the secrets the
 * environment configures; the logger redacts every line with it, and the
 * LLM module adds the catalogue's keys and each ERNIE access token.
 */
@Global()
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
