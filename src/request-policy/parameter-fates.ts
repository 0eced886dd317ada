import type { LlmProviderName } from '../config/env.schema.js';

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

type Row = Record<LlmProviderName, ParameterFate>;

const forward: ParameterFate = { fate: 'forward' };
const refuse = (reason: string): ParameterFate => ({ fate: 'refuse', reason });
const everywhere = (fate: ParameterFate): Row => ({
  mock: fate,
  ernie: fate,
  qianfan: fate,
  openai: fate,
});
/** OpenAI-only parameters: ERNIE v1 and Qianfan v2 document no equivalent. */
const openAiOnly = (): Row => ({
  mock: forward,
  ernie: refuse('ERNIE has no such parameter'),
  qianfan: refuse('Qianfan v2 has no such parameter'),
  openai: forward,
});
const maxTokensOnErnie: ParameterFate = {
  fate: 'map',
  to: 'max_output_tokens',
};

/**
 * The fate of every parameter on every provider: the request policy refuses
 * by it before any upstream call, the request mappers build bodies that
 * follow it, and the parameter table in docs/openai-api.md is this table. The gateway
 * returns one choice and no log probabilities or audio, so what would ask
 * for those is refused everywhere. The mock receives what OpenAI would: it
 * honours `stop`, the token limits and the tool parameters, and is
 * deterministic whatever the sampling settings.
 */
export const PARAMETER_FATES: Record<OpenAiParameter, Row> = {
  temperature: {
    ...everywhere(forward),
    ernie: { fate: 'map', to: 'temperature, clamped to (0, 1]' },
  },
  top_p: everywhere(forward),
  max_tokens: {
    ...everywhere(forward),
    ernie: maxTokensOnErnie,
    qianfan: { fate: 'map', to: 'max_completion_tokens' },
  },
  max_completion_tokens: { ...everywhere(forward), ernie: maxTokensOnErnie },
  n: everywhere({
    fate: 'refuse',
    reason: 'the gateway returns one choice (n: 1)',
    unless: (value) => value === 1,
  }),
  stop: {
    ...everywhere(forward),
    ernie: { fate: 'map', to: 'stop (as an array)' },
  },
  seed: { ...everywhere(forward), ernie: refuse('ERNIE has no seed') },
  presence_penalty: {
    ...everywhere(forward),
    ernie: refuse('ERNIE has only penalty_score (see frequency_penalty)'),
  },
  frequency_penalty: {
    ...everywhere(forward),
    ernie: {
      fate: 'map',
      to: 'penalty_score = 1 + frequency_penalty / 2',
      refuses: {
        when: (value) => typeof value === 'number' && value < 0,
        reason: "ERNIE's penalty_score cannot favour repetition (values < 0)",
      },
    },
  },
  logit_bias: openAiOnly(),
  logprobs: everywhere({
    fate: 'refuse',
    reason: 'the gateway does not return log probabilities',
    unless: (value) => value === false,
  }),
  top_logprobs: everywhere(
    refuse('the gateway does not return log probabilities'),
  ),
  response_format: {
    ...everywhere(forward),
    ernie: {
      fate: 'map',
      to: 'response_format "text" or "json_object"',
      refuses: {
        when: (value) =>
          (value as { type?: unknown } | null)?.type === 'json_schema',
        reason: 'ERNIE v1 has no JSON schema mode (json_object is supported)',
      },
    },
  },
  tools: { ...everywhere(forward), ernie: { fate: 'map', to: 'functions' } },
  tool_choice: {
    ...everywhere(forward),
    ernie: {
      fate: 'map',
      to: 'tool_choice {type, function: {name}}; none: no functions sent',
      refuses: {
        when: (value) => value === 'required',
        reason: 'ERNIE v1 cannot be made to call some function ("required")',
      },
    },
  },
  parallel_tool_calls: {
    ...everywhere(forward),
    ernie: {
      fate: 'map',
      to: 'nothing: ERNIE v1 calls at most one function per reply',
    },
  },
  functions: {
    ...everywhere({ fate: 'map', to: 'tools' }),
    ernie: { fate: 'map', to: 'functions' },
  },
  function_call: {
    ...everywhere({ fate: 'map', to: 'tool_choice' }),
    ernie: { fate: 'map', to: 'tool_choice' },
  },
  user: { ...everywhere(forward), ernie: { fate: 'map', to: 'user_id' } },
  reasoning_effort: openAiOnly(),
  verbosity: openAiOnly(),
  modalities: everywhere({
    fate: 'refuse',
    reason: 'the gateway returns text only',
    unless: (value) =>
      Array.isArray(value) && value.every((item) => item === 'text'),
  }),
  audio: everywhere(refuse('the gateway returns text only')),
  prediction: openAiOnly(),
  web_search_options: openAiOnly(),
  metadata: openAiOnly(),
  store: openAiOnly(),
  service_tier: openAiOnly(),
};

/** Why `value` of `parameter` is refused on `provider`, or undefined when it is taken. */
export function refusalOf(
  parameter: OpenAiParameter,
  value: unknown,
  provider: LlmProviderName,
): string | undefined {
  const fate = PARAMETER_FATES[parameter][provider];
  if (fate.fate === 'refuse') {
    return fate.unless?.(value) ? undefined : fate.reason;
  }
  return fate.refuses?.when(value) ? fate.refuses.reason : undefined;
}

/** A fate as the parameter table in docs/openai-api.md shows it. */
export function fateLabel(fate: ParameterFate): string {
  switch (fate.fate) {
    case 'forward':
      return fate.refuses
        ? `forwarded; refused: ${fate.refuses.reason}`
        : 'forwarded';
    case 'map':
      return fate.refuses
        ? `→ ${fate.to}; refused: ${fate.refuses.reason}`
        : `→ ${fate.to}`;
    case 'refuse':
      return `refused: ${fate.reason}`;
  }
}
