import 'reflect-metadata';
import { errorOf } from '../../../test/support/error-of.js';
import { EnvironmentVariables } from '../../config/env.schema.js';
import { loadCatalogue } from './catalogue-loader.js';
import type { CatalogueEnv } from './provider-defaults.js';

const defaults = new EnvironmentVariables() as CatalogueEnv;
const env = (fields: Partial<CatalogueEnv> = {}): CatalogueEnv => ({
  ...defaults,
  ...fields,
});
const fromFile = (text: string, secrets: Record<string, string> = {}) =>
  loadCatalogue(env({ MODELS_FILE: '/etc/models.yaml' }), secrets, () => text);

describe('loadCatalogue', () => {
  it('without MODELS_FILE, describes the one deployment LLM_PROVIDER configures', () => {
    const catalogue = loadCatalogue(
      env({ LLM_PROVIDER: 'openai', OPENAI_MODEL: 'gpt-x' }),
      { OPENAI_API_KEY: 'sk-1' },
    );
    expect(catalogue.fromFile).toBe(false);
    expect(catalogue.defaultModel).toBe('gpt-x');
    expect(catalogue.deployments).toEqual([
      expect.objectContaining({
        name: 'openai',
        model: 'gpt-x',
        provider: 'openai',
        upstreamModel: 'gpt-x',
        baseUrl: defaults.OPENAI_BASE_URL,
        credentials: { apiKey: 'sk-1' },
        limits: {},
      }),
    ]);
  });

  it('reads deployments from YAML, filling unset fields from the provider settings', () => {
    const catalogue = fromFile(
      `
deployments:
  - name: ernie-a
    model: ernie-speed
    provider: ernie
    apiKeyEnv: KEY_A
    secretKeyEnv: SECRET_A
    rpm: 60
    weight: 2
  - name: gpt
    model: gpt-4o-mini
    provider: openai
    upstreamModel: gpt-4o-mini-2024
    baseUrl: http://127.0.0.1:9/v1
    priority: 1
fallbacks:
  ernie-speed: [gpt-4o-mini]
`,
      { KEY_A: 'ak', SECRET_A: 'sk', OPENAI_API_KEY: 'sk-o' },
    );
    const [ernie, gpt] = catalogue.deployments;
    expect(ernie).toMatchObject({
      upstreamModel: defaults.ERNIE_MODEL_ENDPOINT,
      baseUrl: defaults.ERNIE_BASE_URL,
      credentials: { apiKey: 'ak', secretKey: 'sk' },
      limits: { rpm: 60 },
      weight: 2,
      priority: 0,
    });
    expect(gpt).toMatchObject({
      upstreamModel: 'gpt-4o-mini-2024',
      baseUrl: 'http://127.0.0.1:9/v1',
      credentials: { apiKey: 'sk-o' },
      priority: 1,
    });
    expect(catalogue.fallbacks).toEqual({ 'ernie-speed': ['gpt-4o-mini'] });
    expect(catalogue.defaultModel).toBe('ernie-speed');
  });

  it('reads JSON too', () => {
    const catalogue = fromFile(
      JSON.stringify({
        deployments: [{ name: 'm', model: 'echo', provider: 'mock' }],
      }),
    );
    expect(catalogue.deployments[0].name).toBe('m');
  });

  it('names the entry and the field of every bad value, without echoing values', () => {
    const message = errorOf(() =>
      fromFile(`
deployments:
  - name: good
    model: a
    provider: mock
  - name: bad-one
    model: b
    provider: claude
    baseUrl: not a url
    rpm: -1
`),
    );
    expect(message).toContain('MODELS_FILE=/etc/models.yaml');
    expect(message).toMatch(
      /deployments\[1\] \(bad-one\)\.provider: provider must be one of/,
    );
    expect(message).toMatch(/deployments\[1\] \(bad-one\)\.baseUrl: /);
    expect(message).toMatch(/deployments\[1\] \(bad-one\)\.rpm: /);
    expect(message).not.toContain('not a url');
  });

  it('refuses a secret written in the file, without repeating it', () => {
    const message = errorOf(() =>
      fromFile(
        `
deployments:
  - name: leaky
    model: a
    provider: openai
    apiKey: sk-live-secret
    apiKeyEnv: KEY
`,
        { KEY: 'x' },
      ),
    );
    expect(message).toContain(
      'deployments[0] (leaky).apiKey: is not a known field',
    );
    expect(message).not.toContain('sk-live-secret');
  });

  it('never shows a field name or a fallback key that could be a pasted secret', () => {
    const field = errorOf(() =>
      fromFile(
        `
deployments:
  - name: leaky
    model: a
    provider: openai
    apiKeyEnv: KEY
    sk-live-0123456789abcdef: x
`,
        { KEY: 'x' },
      ),
    );
    expect(field).toContain(
      'deployments[0] (leaky).<field>: is not a known field',
    );
    expect(field).not.toContain('sk-live-0123456789abcdef');
    const fallback = errorOf(() =>
      fromFile(
        `
deployments:
  - { name: m, model: a, provider: mock }
fallbacks:
  Zx9Qw7Er5Ty3Ui1Op2As4Df6: [a]
`,
        {},
      ),
    );
    expect(fallback).toContain(
      'fallbacks (entry 1): not a model of the catalogue',
    );
    expect(fallback).not.toContain('Zx9Qw7Er5Ty3Ui1Op2As4Df6');
  });

  it('requires the credentials a provider needs to be set', () => {
    const message = errorOf(() =>
      fromFile(`
deployments:
  - name: q
    model: a
    provider: qianfan
    apiKeyEnv: QIANFAN_KEY_2
`),
    );
    expect(message).toContain(
      'deployments[0] (q).apiKeyEnv: QIANFAN_KEY_2 is not set',
    );
  });

  it('checks names, fallbacks and DEFAULT_MODEL against the catalogue', () => {
    const message = errorOf(() =>
      loadCatalogue(
        env({ MODELS_FILE: 'm.yaml', DEFAULT_MODEL: 'nope' }),
        {},
        () => `
deployments:
  - { name: x, model: a, provider: mock }
  - { name: x, model: b, provider: mock }
fallbacks:
  a: [c]
  z: [a]
`,
      ),
    );
    expect(message).toContain('deployments[1] (x).name: must be unique');
    expect(message).toContain(
      'fallbacks.a: every entry must be another model of the catalogue',
    );
    expect(message).toContain(
      'fallbacks (entry 2): not a model of the catalogue',
    );
    expect(message).toContain('DEFAULT_MODEL: not a model of the catalogue');
  });

  it('says when the file is missing or not YAML', () => {
    expect(
      errorOf(() =>
        loadCatalogue(env({ MODELS_FILE: '/nowhere/models.yaml' }), {}),
      ),
    ).toContain('file: file not found');
    expect(errorOf(() => fromFile('deployments: [unclosed'))).toContain(
      'file: ',
    );
    expect(errorOf(() => fromFile('- just a list'))).toContain(
      'file: must be a mapping',
    );
  });
});
