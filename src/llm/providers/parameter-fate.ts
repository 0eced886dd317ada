/** The OpenAI Chat Completions parameters with a defined fate on every provider. */
export const OPENAI_PARAMETERS = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'user',
  'reasoning_effort',
  'verbosity',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'metadata',
  'store',
  'service_tier',
] as const;
export type OpenAiParameter = (typeof OPENAI_PARAMETERS)[number];

/**
 * What becomes of a parameter on one provider: sent upstream under the same
 * name, sent as something else (`to` says what), or refused with a 400. A
 * taken parameter may still refuse some values (`refuses`); a refused one
 * may accept its default (`unless`), which asks for nothing.
 */
export type ParameterFate =
  | { fate: 'forward'; refuses?: ValueRefusal }
  | { fate: 'map'; to: string; refuses?: ValueRefusal }
  | { fate: 'refuse'; reason: string; unless?: (value: unknown) => boolean };

export interface ValueRefusal {
  when: (value: unknown) => boolean;
  reason: string;
}

/** The fate of every parameter on one provider (its definition's `fates`). */
export type ProviderFates = Record<OpenAiParameter, ParameterFate>;

export const forward: ParameterFate = { fate: 'forward' };
export const refuse = (reason: string): ParameterFate => ({
  fate: 'refuse',
  reason,
});

/**
 * What OpenAI itself takes, less what the gateway refuses on every provider:
 * it returns one choice and no log probabilities or audio, so what would ask
 * for those is refused everywhere, and the deprecated `functions` and
 * `function_call` become `tools` and `tool_choice`. A provider's fates are
 * these with its own differences on top.
 */
export const GATEWAY_FATES: ProviderFates = {
  temperature: forward,
  top_p: forward,
  max_tokens: forward,
  max_completion_tokens: forward,
  n: {
    fate: 'refuse',
    reason: 'the gateway returns one choice (n: 1)',
    unless: (value) => value === 1,
  },
  stop: forward,
  seed: forward,
  presence_penalty: forward,
  frequency_penalty: forward,
  logit_bias: forward,
  logprobs: {
    fate: 'refuse',
    reason: 'the gateway does not return log probabilities',
    unless: (value) => value === false,
  },
  top_logprobs: refuse('the gateway does not return log probabilities'),
  response_format: forward,
  tools: forward,
  tool_choice: forward,
  parallel_tool_calls: forward,
  functions: { fate: 'map', to: 'tools' },
  function_call: { fate: 'map', to: 'tool_choice' },
  user: forward,
  reasoning_effort: forward,
  verbosity: forward,
  modalities: {
    fate: 'refuse',
    reason: 'the gateway returns text only',
    unless: (value) =>
      Array.isArray(value) && value.every((item) => item === 'text'),
  },
  audio: refuse('the gateway returns text only'),
  prediction: forward,
  web_search_options: forward,
  metadata: forward,
  store: forward,
  service_tier: forward,
};

/**
 * Parameters of OpenAI's API alone: ERNIE v1 and Qianfan v2 document no
 * equivalent; where taken, they are passed on under their own names.
 */
export const OPENAI_ONLY_PARAMETERS = [
  'logit_bias',
  'reasoning_effort',
  'verbosity',
  'prediction',
  'web_search_options',
  'metadata',
  'store',
  'service_tier',
] as const satisfies readonly OpenAiParameter[];

/** The OpenAI-only parameters, each refused with `reason`. */
export const refuseOpenAiOnly = (reason: string): Partial<ProviderFates> =>
  Object.fromEntries(
    OPENAI_ONLY_PARAMETERS.map((parameter) => [parameter, refuse(reason)]),
  );
