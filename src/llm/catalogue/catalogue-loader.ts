import {
  ConfigFile,
  definedOnly,
  readUtf8File,
  safeFieldName,
  type ReadFile,
} from '../../common/config-file/config-file.js';
import {
  CatalogueFileDto,
  type DeploymentEntryDto,
} from './catalogue-file.dto.js';
import type { CatalogueData, Deployment } from './deployment.js';
import {
  PROVIDER_DEFAULTS,
  type CatalogueEnv,
  type ProviderDefaults,
} from './provider-defaults.js';

type Secrets = Readonly<Record<string, string | undefined>>;

/**
 * A secret may be pasted as a field's name too (`sk-…: x`): errors show only
 * names that cannot be one, and an unknown field as `is not a known field`.
 * A parser's message is shown by its first line.
 */
const MODELS_FILE = new ConfigFile({
  title: 'model catalogue',
  setting: 'MODELS_FILE',
  list: 'deployments',
  fieldName: (field) => safeFieldName(field),
  hideUnknownFields: true,
  parserMessage: true,
});

/**
 * Builds the catalogue at start-up: from MODELS_FILE when set, else the one
 * deployment LLM_PROVIDER describes. Throws one error listing every problem,
 * each naming the entry and the field; values are never echoed (a wrongly
 * placed secret must not reach a log).
 */
export function loadCatalogue(
  env: CatalogueEnv,
  secrets: Secrets,
  readFile: ReadFile = readUtf8File,
): CatalogueData {
  if (!env.MODELS_FILE) return singleProviderCatalogue(env, secrets);
  const problems: string[] = [];
  const { file, rawFallbacks } = parseFile(env.MODELS_FILE, readFile);
  const deployments = file.deployments.map((entry, index) =>
    resolveEntry(entry, env, secrets, (field, rule) =>
      problems.push(`${where(index, entry)}.${field}: ${rule}`),
    ),
  );
  const models = new Set(deployments.map((d) => d.model));
  problems.push(...duplicateNames(file.deployments));
  const fallbacks = checkFallbacks(rawFallbacks, models, problems);
  const defaultModel = env.DEFAULT_MODEL ?? deployments[0].model;
  if (!models.has(defaultModel)) {
    problems.push('DEFAULT_MODEL: not a model of the catalogue');
  }
  if (problems.length > 0) {
    throw MODELS_FILE.error(env.MODELS_FILE, problems);
  }
  return { deployments, fallbacks, defaultModel, fromFile: true };
}

function singleProviderCatalogue(
  env: CatalogueEnv,
  secrets: Secrets,
): CatalogueData {
  const defaults = PROVIDER_DEFAULTS[env.LLM_PROVIDER](env);
  const model = defaults.upstreamModel;
  if (env.DEFAULT_MODEL !== undefined && env.DEFAULT_MODEL !== model) {
    throw new Error(
      `Invalid configuration:\n  - DEFAULT_MODEL: must be ${JSON.stringify(model)} (the one model LLM_PROVIDER serves) or unset`,
    );
  }
  const deployment: Deployment = {
    ...settingsOf(defaults),
    name: env.LLM_PROVIDER,
    model,
    provider: env.LLM_PROVIDER,
    credentials: credentialsOf(defaults, secrets),
    limits: {},
    priority: 0,
    weight: 1,
  };
  return {
    deployments: [deployment],
    fallbacks: {},
    defaultModel: model,
    fromFile: false,
  };
}

/** The file validated, and its `fallbacks` as YAML gave them (model names are keys there). */
function parseFile(
  path: string,
  readFile: ReadFile,
): { file: CatalogueFileDto; rawFallbacks: object } {
  const raw = MODELS_FILE.read(path, readFile);
  // class-transformer copies a mapping's keys by assignment and looks up
  // metadata by each one: a model named `__proto__` or `constructor` as a
  // key of `fallbacks` crashed it. It checks only that `fallbacks` is a
  // mapping; checkFallbacks reads the keys from the YAML as parsed.
  const { fallbacks } = raw as { fallbacks?: unknown };
  const mapping =
    typeof fallbacks === 'object' &&
    fallbacks !== null &&
    !Array.isArray(fallbacks);
  const file = MODELS_FILE.validate(path, CatalogueFileDto, {
    ...raw,
    ...(mapping ? { fallbacks: {} } : {}),
  });
  return { file, rawFallbacks: mapping ? fallbacks : {} };
}

function where(index: number, entry: DeploymentEntryDto): string {
  return MODELS_FILE.entryLabel(index, entry);
}

function resolveEntry(
  entry: DeploymentEntryDto,
  env: CatalogueEnv,
  secrets: Secrets,
  problem: (field: string, rule: string) => void,
): Deployment {
  const defaults = {
    ...PROVIDER_DEFAULTS[entry.provider](env),
    ...definedOnly({
      apiKeyEnv: entry.apiKeyEnv,
      secretKeyEnv: entry.secretKeyEnv,
      appIdEnv: entry.appIdEnv,
    }),
  };
  for (const field of defaults.requires) {
    if (!secrets[defaults[field] ?? '']) {
      problem(field, `${defaults[field]} is not set`);
    }
  }
  return {
    ...settingsOf(defaults),
    ...definedOnly({
      upstreamModel: entry.upstreamModel,
      baseUrl: entry.baseUrl,
      authBaseUrl: entry.authBaseUrl,
      maxInputChars: entry.maxInputChars,
      delayMs: entry.delayMs,
    }),
    name: entry.name,
    model: entry.model,
    provider: entry.provider,
    credentials: credentialsOf(defaults, secrets),
    limits: definedOnly({
      rpm: entry.rpm,
      tpm: entry.tpm,
      maxConcurrency: entry.maxConcurrency,
    }),
    priority: entry.priority ?? 0,
    weight: entry.weight ?? 1,
  };
}

function settingsOf(defaults: ProviderDefaults) {
  const { upstreamModel, baseUrl, authBaseUrl, maxInputChars, delayMs } =
    defaults;
  return { upstreamModel, baseUrl, authBaseUrl, maxInputChars, delayMs };
}

function credentialsOf(defaults: ProviderDefaults, secrets: Secrets) {
  const read = (name?: string) =>
    name ? secrets[name] || undefined : undefined;
  return definedOnly({
    apiKey: read(defaults.apiKeyEnv),
    secretKey: read(defaults.secretKeyEnv),
    appId: read(defaults.appIdEnv),
  });
}

function duplicateNames(entries: DeploymentEntryDto[]): string[] {
  const seen = new Set<string>();
  return entries.flatMap((entry, index) => {
    if (!seen.has(entry.name)) {
      seen.add(entry.name);
      return [];
    }
    return [`${where(index, entry)}.name: must be unique`];
  });
}

function checkFallbacks(
  raw: object,
  models: Set<string>,
  problems: string[],
): Record<string, string[]> {
  // No prototype: a model may be named `constructor` or `__proto__`.
  const fallbacks = Object.create(null) as Record<string, string[]>;
  const entries = Object.entries(raw) as [string, unknown][];
  for (const [position, [model, list]] of entries.entries()) {
    const field = `fallbacks.${model}`;
    if (!models.has(model)) {
      // Named by position: a key that is not a model may be a pasted secret.
      problems.push(
        `fallbacks (entry ${position + 1}): not a model of the catalogue`,
      );
      continue;
    }
    if (!Array.isArray(list) || !list.every((m) => typeof m === 'string')) {
      problems.push(`${field}: must be a list of model names`);
      continue;
    }
    const names = list as string[];
    const unknown = names.filter((m) => !models.has(m) || m === model);
    if (unknown.length > 0) {
      problems.push(
        `${field}: every entry must be another model of the catalogue`,
      );
      continue;
    }
    fallbacks[model] = names;
  }
  return fallbacks;
}
