import type { Deployment } from './deployment.js';
import { ModelCatalogue } from './model-catalogue.js';

const deployment = (name: string, model: string, provider = 'mock') =>
  ({ name, model, provider }) as Deployment;

const catalogue = (fromFile: boolean) =>
  new ModelCatalogue({
    deployments: [
      deployment('e1', 'ernie', 'ernie'),
      deployment('e2', 'ernie', 'qianfan'),
      deployment('g1', 'gpt', 'openai'),
    ],
    fallbacks: { ernie: ['gpt'] },
    defaultModel: 'ernie',
    fromFile,
  });

describe('ModelCatalogue', () => {
  it('resolves a served model, and the default when none is named', () => {
    expect(catalogue(true).resolve('gpt')).toBe('gpt');
    expect(catalogue(true).resolve(undefined)).toBe('ernie');
  });

  it('refuses a model that is not served with a 404 naming the field', () => {
    expect(() => catalogue(true).resolve('claude')).toThrow(
      expect.objectContaining({
        code: 'model_not_found',
        status: 404,
        message:
          "The model 'claude' does not exist or you do not have access to it.",
        details: {
          errors: [expect.objectContaining({ field: 'model' })],
        },
      }),
    );
  });

  it('answers any name with the default only for /v1 without a catalogue file', () => {
    const lenient = { anyNameMeansDefault: true };
    expect(catalogue(false).resolve('gpt-4o', lenient)).toBe('ernie');
    expect(() => catalogue(true).resolve('gpt-4o', lenient)).toThrow();
    expect(() => catalogue(false).resolve('gpt-4o')).toThrow();
  });

  it('gives the fallback chain and every provider that may serve it', () => {
    const c = catalogue(true);
    expect(c.chainOf('ernie')).toEqual(['ernie', 'gpt']);
    expect(c.providersFor('ernie')).toEqual(['ernie', 'qianfan', 'openai']);
    expect(c.providersFor('gpt')).toEqual(['openai']);
  });

  it('lists models without URLs or credentials', () => {
    expect(catalogue(true).list()).toEqual([
      {
        id: 'ernie',
        providers: ['ernie', 'qianfan'],
        deployments: 2,
        fallbacks: ['gpt'],
        default: true,
      },
      {
        id: 'gpt',
        providers: ['openai'],
        deployments: 1,
        fallbacks: [],
        default: false,
      },
    ]);
  });
});
