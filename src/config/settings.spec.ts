import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './app-config.service.js';
import { envOf, settingsProvider } from './settings.js';
import { stateBackend } from './state-backend.js';
import { validateEnv } from './validate-env.js';

const config = (raw: Record<string, string>) =>
  new ConfigService(validateEnv(raw)) as unknown as AppConfig;

describe('envOf', () => {
  it('reads validated, typed values with their defaults', () => {
    const env = envOf(config({ PORT: '8080' }));
    expect(env.PORT).toBe(8080);
    expect(env.EVENT_BUS).toBe('memory');
  });
});

describe('settingsProvider', () => {
  it('builds its slice from the validated environment', () => {
    const provider = settingsProvider('SLICE', (env) => ({
      backend: stateBackend(env),
      maxRetries: env.LLM_MAX_RETRIES,
    }));
    expect(provider.inject).toEqual([ConfigService]);
    expect(
      provider.useFactory(
        config({
          EVENT_BUS: 'redis',
          REDIS_URL: 'redis://127.0.0.1:6379',
          LLM_MAX_RETRIES: '3',
        }),
      ),
    ).toEqual({ backend: 'redis', maxRetries: 3 });
  });
});
