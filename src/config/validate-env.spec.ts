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

describe('validateEnv: where Redis is', () => {
  it.each([
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000,[::1]:7001' }],
    [{ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_MIN_REPLICAS: '1' }],
  ])('accepts EVENT_BUS=redis with %j', (where) => {
    expect(validateEnv({ EVENT_BUS: 'redis', ...where }).EVENT_BUS).toBe(
      'redis',
    );
  });

  it.each([
    [{}, 'REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS) must be set'],
    [
      { REDIS_URL: 'redis://h:1', REDIS_SENTINELS: 's:26379' },
      'REDIS_URL, REDIS_SENTINELS: set only one of them',
    ],
    [
      { REDIS_CLUSTER_NODES: 'h1:7000,h2' },
      'REDIS_CLUSTER_NODES must be host:port pairs',
    ],
    [
      { REDIS_SENTINELS: 'sentinel' },
      'REDIS_SENTINELS must be host:port pairs',
    ],
    [
      { REDIS_CLUSTER_NODES: 'h:7000', REDIS_MIN_REPLICAS: '1' },
      'REDIS_MIN_REPLICAS: not supported with REDIS_CLUSTER_NODES',
    ],
    [
      { REDIS_URL: 'redis://h:1', REDIS_KEY_PREFIX: 'app{1}:' },
      'REDIS_KEY_PREFIX must not contain { or }',
    ],
  ])('refuses EVENT_BUS=redis with %j: %s', (where, message) => {
    expect(() => validateEnv({ EVENT_BUS: 'redis', ...where })).toThrow(
      message,
    );
  });
});
