import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EnvironmentVariables } from '../../config/env.schema.js';
import { loadCatalogue } from './catalogue-loader.js';
import type { CatalogueEnv } from './provider-defaults.js';

const path = fileURLToPath(
  new URL('../../../models.example.yaml', import.meta.url),
);

describe('models.example.yaml', () => {
  const named = [
    ...readFileSync(path, 'utf8').matchAll(
      /(?:apiKey|secretKey|appId)Env: (\w+)/g,
    ),
  ].map((match) => match[1]);

  it('is a valid catalogue once the variables it names are set', () => {
    const secrets = Object.fromEntries(named.map((name) => [name, 'set']));
    const env: CatalogueEnv = Object.assign(new EnvironmentVariables(), {
      MODELS_FILE: path,
    });
    const catalogue = loadCatalogue(env, secrets);
    expect(catalogue.deployments.map((d) => d.model)).toContain('ernie-speed');
    expect(catalogue.fallbacks['ernie-speed']).toEqual(['gpt-4o-mini']);
  });

  it('holds no secret: credentials are named, never written', () => {
    expect(named.length).toBeGreaterThan(0);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/^\s*(apiKey|secretKey|appId):/m);
  });
});
