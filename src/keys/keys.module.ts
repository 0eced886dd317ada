import { Module } from '@nestjs/common';
import { API_KEYS } from '../access/access.di-tokens.js';
import { ApiKeys } from '../access/api-keys.js';
import { settingsProvider } from '../config/settings.js';
import { KeyModels } from './key-models.service.js';
import { loadKeyDefinitions } from './keys-loader.js';
import { KEYS_SOURCE } from './keys.di-tokens.js';
import { KeysReloader, type KeysSource } from './keys-reloader.service.js';

/**
 * The API keys in force (KEYS_FILE, or API_KEYS / ADMIN_API_KEYS), checked
 * at start-up (a bad file stops the process with every problem listed) and
 * reloaded on SIGHUP.
 */
@Module({
  providers: [
    settingsProvider(KEYS_SOURCE, (env): KeysSource => ({
      file: env.KEYS_FILE,
      load: () => loadKeyDefinitions(env, process.env),
    })),
    settingsProvider(API_KEYS, (env) =>
      env.KEYS_FILE
        ? ApiKeys.fromDefinitions(loadKeyDefinitions(env, process.env))
        : // The short form keeps the plain keys' lengths for the start-up warning.
          new ApiKeys(env.API_KEYS, env.ADMIN_API_KEYS),
    ),
    KeysReloader,
    KeyModels,
  ],
  exports: [API_KEYS, KeysReloader, KeyModels],
})
export class KeysModule {}
