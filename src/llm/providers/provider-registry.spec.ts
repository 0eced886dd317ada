import { PROVIDER_CREDENTIALS } from './provider-credentials.js';
import { LLM_PROVIDERS } from './provider-names.js';
import { PROVIDER_DEFINITIONS } from './provider-registry.js';

describe('PROVIDER_DEFINITIONS', () => {
  it.each(LLM_PROVIDERS)(
    '%s: its definition carries its name and its credentials row',
    (name) => {
      const definition = PROVIDER_DEFINITIONS[name];
      expect(definition.name).toBe(name);
      expect(definition.credentials).toEqual(PROVIDER_CREDENTIALS[name]);
    },
  );
});
