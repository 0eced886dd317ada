import type { GenerationOptionsDto } from '../../request-policy/dto/generation-options.dto.js';
import { invalidField } from '../../request-policy/invalid-field.js';
import type { CreateResponseDto } from './dto/create-response.dto.js';
import type {
  FunctionToolEcho,
  ResponseObjectDto,
  TextFormat,
} from './dto/response-object.dto.js';
import type { ResponseEcho } from './response-format.js';

/**
 * Parameters of the Responses API that no provider behind the gateway can
 * honour, refused by name whenever they ask for something (`null` and the
 * value that asks for nothing pass). The generation parameters are not
 * here: they go through the chat completions table (`PARAMETER_FATES`).
 */
const GATEWAY_REFUSALS: Record<
  string,
  {
    reason: string;
    allows?: (value: unknown) => boolean;
    value?: (dto: CreateResponseDto) => unknown;
  }
> = {
  background: {
    reason: 'responses are answered while the client waits',
    allows: (value) => value === false,
  },
  conversation: {
    reason:
      'the gateway keeps no conversation objects; continue a response with previous_response_id',
  },
  include: {
    reason:
      'the gateway returns no additional output data (log probabilities, reasoning, built-in tool results)',
    allows: (value) => Array.isArray(value) && value.length === 0,
  },
  prompt: { reason: 'the gateway has no stored prompt templates' },
  truncation: {
    reason:
      'the gateway does not drop input to fit the context window (truncation "disabled" only)',
    allows: (value) => value === 'disabled',
  },
  context_management: { reason: 'the gateway does not compact conversations' },
  moderation: { reason: 'the gateway runs no moderation' },
  'reasoning.summary': {
    reason: 'the gateway returns no reasoning items',
    value: (dto) => dto.reasoning?.summary,
  },
};

/** Refuses, naming it, a Responses parameter the gateway cannot honour on any provider. */
export function refuseUnsupported(dto: CreateResponseDto): void {
  for (const [name, refusal] of Object.entries(GATEWAY_REFUSALS)) {
    const value = refusal.value
      ? refusal.value(dto)
      : dto[name as keyof CreateResponseDto];
    if (value == null || refusal.allows?.(value)) continue;
    invalidField(
      name,
      'isSupportedByGateway',
      `${name} is not supported by this gateway: ${refusal.reason}`,
    );
  }
}

/**
 * The chat completions names of the generation parameters a response asks
 * for, so that one table of fates (`PARAMETER_FATES`) and one request
 * policy decide both APIs: `max_output_tokens` is `max_tokens`,
 * `text.format` is `response_format`, a flat function tool is
 * `{type, function}`.
 */
export function generationOptionsOf(
  dto: CreateResponseDto,
): GenerationOptionsDto {
  const format = dto.text?.format;
  const choice = dto.tool_choice as CreateResponseChoice | undefined;
  const options: GenerationOptionsDto = {
    temperature: dto.temperature ?? undefined,
    top_p: dto.top_p ?? undefined,
    max_tokens: dto.max_output_tokens ?? undefined,
    top_logprobs: dto.top_logprobs ?? undefined,
    parallel_tool_calls: dto.parallel_tool_calls ?? undefined,
    user: dto.user ?? undefined,
    service_tier: dto.service_tier ?? undefined,
    reasoning_effort: dto.reasoning?.effort ?? undefined,
    verbosity: dto.text?.verbosity ?? undefined,
    tools: dto.tools?.map((tool) => ({
      type: 'function' as const,
      function: {
        name: tool.name,
        description: tool.description ?? undefined,
        parameters: tool.parameters ?? undefined,
        strict: tool.strict ?? undefined,
      },
    })),
    tool_choice:
      choice == null
        ? undefined
        : typeof choice === 'string'
          ? choice
          : { type: 'function', function: { name: choice.name } },
    response_format: format
      ? format.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name ?? 'response',
              description: format.description,
              schema: format.schema,
              strict: format.strict,
            },
          }
        : { type: format.type }
      : undefined,
  };
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as GenerationOptionsDto;
}

type CreateResponseChoice =
  'none' | 'auto' | 'required' | { type: 'function'; name: string };

/** Chat completions parameter → the Responses field a client sent it as. */
const FIELD_NAMES: Record<string, string> = {
  max_tokens: 'max_output_tokens',
  response_format: 'text.format',
  verbosity: 'text.verbosity',
  reasoning_effort: 'reasoning.effort',
};

/** A refused chat parameter's name in a Responses request. */
export function responseFieldName(field: string): string | undefined {
  return FIELD_NAMES[field];
}

/** What the response repeats of its request, with OpenAI's defaults for what was not sent. */
export function echoOf(dto: CreateResponseDto, store: boolean): ResponseEcho {
  const format = dto.text?.format;
  const textFormat: TextFormat =
    format?.type === 'json_schema'
      ? {
          type: 'json_schema',
          name: format.name ?? 'response',
          schema: format.schema ?? {},
          ...(format.description != null
            ? { description: format.description }
            : {}),
          ...(format.strict != null ? { strict: format.strict } : {}),
        }
      : { type: format?.type ?? 'text' };
  const tools: FunctionToolEcho[] = (dto.tools ?? []).map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  }));
  return {
    instructions: dto.instructions ?? null,
    max_output_tokens: dto.max_output_tokens ?? null,
    metadata: dto.metadata ?? null,
    parallel_tool_calls: dto.parallel_tool_calls ?? true,
    previous_response_id: dto.previous_response_id ?? null,
    reasoning: { effort: dto.reasoning?.effort ?? null, summary: null },
    store,
    temperature: dto.temperature ?? null,
    text: {
      format: textFormat,
      ...(dto.text?.verbosity ? { verbosity: dto.text.verbosity } : {}),
    },
    tool_choice:
      (dto.tool_choice as ResponseObjectDto['tool_choice'] | undefined) ??
      'auto',
    tools,
    top_p: dto.top_p ?? null,
    ...(dto.user != null ? { user: dto.user } : {}),
    ...(dto.service_tier != null ? { service_tier: dto.service_tier } : {}),
  };
}
