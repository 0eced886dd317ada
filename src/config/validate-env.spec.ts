import 'reflect-metadata';
import { validateEnv } from './validate-env.js';

describe('validateEnv: provider credentials', () => {
  it('starts the offline mock without any key', () => {
    expect(validateEnv({}).LLM_PROVIDER).toBe('mock');
  });

  it.each([
    ['ernie', {}, 'ERNIE_API_KEY, ERNIE_SECRET_KEY'],
    ['ernie', { ERNIE_API_KEY: 'k' }, 'ERNIE_SECRET_KEY'],
    ['ernie', { ERNIE_API_KEY: 'k', ERNIE_SECRET_KEY: '' }, 'ERNIE_SECRET_KEY'],
    ['qianfan', {}, 'QIANFAN_API_KEY'],
    ['openai', {}, 'OPENAI_API_KEY'],
  ])(
    'refuses LLM_PROVIDER=%s with %j, naming %s and no value',
    (provider, env, named) => {
      expect(() =>
        validateEnv({ LLM_PROVIDER: provider, OPENAI_MODEL: 'gpt', ...env }),
      ).toThrow(`${named}: required when LLM_PROVIDER=${provider} (not set)`);
    },
  );

  it('accepts each provider with its credentials', () => {
    expect(
      validateEnv({
        LLM_PROVIDER: 'ernie',
        ERNIE_API_KEY: 'k',
        ERNIE_SECRET_KEY: 's',
      }).ERNIE_MODEL_ENDPOINT,
    ).toBe('eb-instant');
    expect(
      validateEnv({ LLM_PROVIDER: 'qianfan', QIANFAN_API_KEY: 'k' })
        .QIANFAN_BASE_URL,
    ).toBe('https://qianfan.baidubce.com');
    expect(
      validateEnv({ LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k' }).OPENAI_MODEL,
    ).toBe('gpt-4o-mini');
  });

  it('leaves credentials to the catalogue when MODELS_FILE is set', () => {
    expect(
      validateEnv({ LLM_PROVIDER: 'ernie', MODELS_FILE: 'models.yaml' })
        .MODELS_FILE,
    ).toBe('models.yaml');
  });

  it('never echoes a value, even next to another bad variable', () => {
    let message = '';
    try {
      validateEnv({
        LLM_PROVIDER: 'ernie',
        ERNIE_API_KEY: 'secret-api-key-value',
        PORT: 'eighty',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('ERNIE_SECRET_KEY');
    expect(message).not.toContain('secret-api-key-value');
  });
});
