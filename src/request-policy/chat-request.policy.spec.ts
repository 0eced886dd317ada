import 'reflect-metadata';
import { ModelCatalogue } from '../llm/catalogue/model-catalogue.js';
import type { Deployment } from '../llm/catalogue/deployment.js';
import { ChatRequestPolicy } from './chat-request.policy.js';

const deployment = (name: string, model: string, provider: string) =>
  ({ name, model, provider }) as Deployment;

/** `gpt` (OpenAI) falls back to `ernie`, which has no fallback. */
const policy = new ChatRequestPolicy(
  { maxMessageChars: 100, maxMessages: 10 },
  new ModelCatalogue({
    deployments: [
      deployment('g', 'gpt', 'openai'),
      deployment('e', 'ernie', 'ernie'),
    ],
    fallbacks: { gpt: ['ernie'] },
    defaultModel: 'gpt',
    fromFile: true,
  }),
);
const hi = [{ role: 'user' as const, content: 'Hi' }];

describe('ChatRequestPolicy with a catalogue', () => {
  it('puts the model in the request, the default when none is named', () => {
    expect(policy.prepare(hi, {}, { model: 'ernie' }).model).toBe('ernie');
    expect(policy.prepare(hi, {}).model).toBe('gpt');
  });

  it('refuses a parameter that a fallback’s provider cannot honour, naming that provider', () => {
    expect(() => policy.prepare(hi, { seed: 1 }, { model: 'gpt' })).toThrow(
      /seed is not supported with the ernie provider/,
    );
  });

  it('takes what every provider of the chain takes', () => {
    expect(
      policy.prepare(hi, { temperature: 0.5 }, { model: 'gpt' }),
    ).toMatchObject({ model: 'gpt', temperature: 0.5 });
  });
});
