import type {
  FactoryProvider,
  InjectionToken,
  OptionalFactoryDependency,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './app-config.service.js';
import type { EnvironmentVariables } from './env.schema.js';

/** The validated environment (defaults applied), read-only. */
export type Env = Readonly<EnvironmentVariables>;

/**
 * The validated environment as one typed object: the only place that calls
 * `config.get`. Module wiring and settings slices read it; services take a
 * slice of what they use, so their specs build a plain object.
 */
export const envOf = (config: AppConfig): Env =>
  new Proxy({} as Env, {
    get: (_target, name) =>
      typeof name === 'string'
        ? config.get(name as keyof EnvironmentVariables, { infer: true })
        : undefined,
  });

/** A settings slice, built once at start-up from the validated environment. */
export const settingsProvider = <T>(
  provide: InjectionToken,
  build: (env: Env) => T,
): FactoryProvider<T> => ({
  provide,
  inject: [ConfigService],
  useFactory: (config: AppConfig) => build(envOf(config)),
});

/**
 * Wiring that reads the environment: `useFactory(env, ...deps)` with the
 * validated environment first, then the providers in `inject`.
 */
export const fromEnv = <T, D extends unknown[]>(
  provide: InjectionToken,
  inject: { [K in keyof D]: InjectionToken | OptionalFactoryDependency },
  build: (env: Env, ...deps: D) => T,
): FactoryProvider<T> => ({
  provide,
  inject: [ConfigService, ...inject],
  useFactory: (config: AppConfig, ...deps: unknown[]) =>
    build(envOf(config), ...(deps as D)),
});
