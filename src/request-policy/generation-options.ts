import type { LlmProviderName } from '../llm/providers/provider-names.js';
import type {
  LlmRequest,
  LlmResponseFormat,
  LlmTool,
  LlmToolChoice,
} from '../llm/llm.types.js';
import type { GenerationOptionsDto } from './dto/generation-options.dto.js';
import { invalidField } from './invalid-field.js';
import { OPENAI_ONLY_PARAMETERS } from '../llm/providers/parameter-fate.js';
import { OPENAI_PARAMETERS, refusalOf } from './parameter-fates.js';

/** Parameters only OpenAI itself takes, passed on under their own names. */
const PASSTHROUGH = OPENAI_ONLY_PARAMETERS;

export type GenerationOptions = Omit<
  LlmRequest,
  'messages' | 'system' | 'userId'
> & { userId?: string };

/**
 * The generation settings of a request, in the providers' neutral form.
 * Refuses (400, naming the parameter and the provider) every parameter the
 * configured provider cannot honour, and the combinations OpenAI refuses.
 */
export function toGenerationOptions(
  dto: GenerationOptionsDto,
  provider: LlmProviderName,
): GenerationOptions {
  for (const parameter of OPENAI_PARAMETERS) {
    const value = dto[parameter];
    if (value === undefined) continue;
    const reason = refusalOf(parameter, value, provider);
    if (reason) {
      invalidField(
        parameter,
        'isSupportedByProvider',
        `${parameter} is not supported with the ${provider} provider: ${reason}`,
      );
    }
  }
  const tools = toolsOf(dto);
  const toolChoice = toolChoiceOf(dto, tools);
  const passthrough = Object.fromEntries(
    PASSTHROUGH.filter((name) => dto[name] !== undefined).map((name) => [
      name,
      dto[name],
    ]),
  );
  const maxTokensField =
    dto.max_completion_tokens !== undefined
      ? 'max_completion_tokens'
      : dto.max_tokens !== undefined
        ? 'max_tokens'
        : undefined;
  return definedOnly({
    userId: dto.user,
    temperature: dto.temperature,
    topP: dto.top_p,
    maxTokens: dto.max_completion_tokens ?? dto.max_tokens,
    maxTokensField,
    stop: typeof dto.stop === 'string' ? [dto.stop] : dto.stop,
    seed: dto.seed,
    presencePenalty: dto.presence_penalty,
    frequencyPenalty: dto.frequency_penalty,
    responseFormat: responseFormatOf(dto),
    tools,
    toolChoice,
    // Legacy function calling returns one call per reply.
    parallelToolCalls:
      dto.parallel_tool_calls ?? (dto.functions ? false : undefined),
    passthrough: Object.keys(passthrough).length > 0 ? passthrough : undefined,
  });
}

function toolsOf(dto: GenerationOptionsDto): LlmTool[] | undefined {
  if (dto.tools && dto.functions) {
    invalidField(
      'functions',
      'conflictsWithTools',
      'functions cannot be sent with tools (functions is the legacy form of tools)',
    );
  }
  const definitions = dto.tools?.map((tool) => tool.function) ?? dto.functions;
  if (!definitions) return undefined;
  const field = dto.tools ? 'tools' : 'functions';
  const names = new Set<string>();
  return definitions.map((definition) => {
    if (names.has(definition.name)) {
      invalidField(
        field,
        'uniqueNames',
        `${field} must not declare the function ${definition.name} twice`,
      );
    }
    names.add(definition.name);
    return definedOnly({
      name: definition.name,
      description: definition.description,
      parameters: definition.parameters,
      strict: definition.strict,
    });
  });
}

function toolChoiceOf(
  dto: GenerationOptionsDto,
  tools: LlmTool[] | undefined,
): LlmToolChoice | undefined {
  const field = dto.tool_choice !== undefined ? 'tool_choice' : 'function_call';
  const raw = dto.tool_choice ?? dto.function_call;
  if (raw === undefined) return undefined;
  if (!tools) {
    invalidField(
      field,
      'requiresTools',
      `${field} is only allowed when ${field === 'tool_choice' ? 'tools are' : 'functions are'} given`,
    );
  }
  if (typeof raw === 'string') return raw as LlmToolChoice;
  const named = raw as { name?: string; function?: { name: string } };
  const name = named.function?.name ?? named.name ?? '';
  if (!tools.some((tool) => tool.name === name)) {
    invalidField(
      field,
      'isDeclaredTool',
      `${field} names the function ${name}, which is not among the ${field === 'tool_choice' ? 'tools' : 'functions'}`,
    );
  }
  return { name };
}

function responseFormatOf(
  dto: GenerationOptionsDto,
): LlmResponseFormat | undefined {
  const format = dto.response_format;
  if (!format) return undefined;
  if (format.type === 'json_schema') {
    const schema = format.json_schema;
    return {
      type: 'json_schema',
      json_schema: definedOnly({
        name: schema?.name,
        description: schema?.description,
        schema: schema?.schema,
        strict: schema?.strict,
      }),
    };
  }
  return { type: format.type };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as T;
}
