import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ApiKeys } from '../access/api-keys.js';
import { keyIdOfDigest, type ApiKeyDefinition } from './api-key-definition.js';
import { KeysFileDto, type KeyEntryDto } from './keys-file.dto.js';

type Secrets = Readonly<Record<string, string | undefined>>;

/** The settings the keys come from. */
export interface KeysEnv {
  KEYS_FILE?: string;
  API_KEYS?: string;
  ADMIN_API_KEYS?: string;
}

/**
 * The API keys in force: KEYS_FILE when set, else the short form API_KEYS /
 * ADMIN_API_KEYS. Throws one error listing every problem, each naming the
 * entry and the field; no value is ever echoed (a secret pasted into the
 * wrong field must not reach a log).
 */
export function loadKeyDefinitions(
  env: KeysEnv,
  secrets: Secrets,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ApiKeyDefinition[] {
  if (!env.KEYS_FILE)
    return ApiKeys.shortForm(env.API_KEYS, env.ADMIN_API_KEYS);
  if (env.API_KEYS || env.ADMIN_API_KEYS) {
    throw keysError(env.KEYS_FILE, [
      'API_KEYS / ADMIN_API_KEYS: must be unset when KEYS_FILE is set (give every key in the file)',
    ]);
  }
  const file = parseFile(env.KEYS_FILE, readFile);
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenIds = new Set<string>();
  const definitions = file.keys.map((entry, index) => {
    const problem = (field: string, rule: string) =>
      problems.push(`${where(index, entry)}.${field}: ${rule}`);
    if (seenNames.has(entry.name)) problem('name', 'must be unique');
    seenNames.add(entry.name);
    const digest = digestOf(entry, secrets, problem);
    const id = digest ? keyIdOfDigest(digest) : '';
    if (digest && seenIds.has(id)) {
      problem(
        entry.sha256 ? 'sha256' : 'secretEnv',
        'the same secret as another key',
      );
    }
    seenIds.add(id);
    const metadata = metadataOf(entry.metadata, problem);
    const definition: ApiKeyDefinition = {
      id,
      name: entry.name,
      digest: digest ?? Buffer.alloc(32),
      role: entry.role ?? 'user',
      limits: definedOnly({
        rpm: entry.rpm,
        tpm: entry.tpm,
        maxStreams: entry.maxStreams,
      }),
      ...definedOnly({
        models: entry.models,
        budget: entry.budget && {
          tokens: entry.budget.tokens,
          period: entry.budget.period,
        },
        metadata,
      }),
    };
    return definition;
  });
  if (problems.length > 0) throw keysError(env.KEYS_FILE, problems);
  return definitions;
}

function digestOf(
  entry: KeyEntryDto,
  secrets: Secrets,
  problem: (field: string, rule: string) => void,
): Buffer | undefined {
  if ((entry.secretEnv === undefined) === (entry.sha256 === undefined)) {
    problem('secretEnv', 'give exactly one of secretEnv and sha256');
    return undefined;
  }
  if (entry.sha256 !== undefined) return Buffer.from(entry.sha256, 'hex');
  const secret = secrets[entry.secretEnv!];
  if (!secret) {
    problem('secretEnv', `${entry.secretEnv} is not set`);
    return undefined;
  }
  return createHash('sha256').update(secret).digest();
}

function metadataOf(
  raw: Record<string, unknown> | undefined,
  problem: (field: string, rule: string) => void,
): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  for (const [field, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      problem(`metadata.${safeName(field)}`, 'must be a string');
    }
  }
  return raw as Record<string, string>;
}

function parseFile(
  path: string,
  readFile: (path: string) => string,
): KeysFileDto {
  let raw: unknown;
  try {
    // YAML 1.2 is a superset of JSON: one parser reads both forms.
    raw = parse(readFile(path));
  } catch (error) {
    const reason =
      error instanceof Error && 'code' in error && error.code === 'ENOENT'
        ? 'file not found'
        : 'not valid YAML or JSON';
    throw keysError(path, [`file: ${reason}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw keysError(path, ['file: must be a mapping with `keys:`']);
  }
  const file = plainToInstance(KeysFileDto, raw);
  const errors = validateSync(file, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  if (errors.length > 0) throw keysError(path, flatten(errors, file));
  return file;
}

/** class-validator's nested errors as `keys[1] (name).field: rule` lines. */
function flatten(errors: ValidationError[], file: KeysFileDto): string[] {
  return errors.flatMap((error) => {
    if (error.property !== 'keys' || !error.children?.length) {
      return [`${safeName(error.property)}: ${rules(error)}`];
    }
    return error.children.flatMap((entryError) => {
      const index = Number(entryError.property);
      const prefix = where(index, file.keys[index]);
      if (!entryError.children?.length) {
        return [`${prefix}: ${rules(entryError)}`];
      }
      return entryError.children.flatMap((field) =>
        field.children?.length
          ? field.children.map(
              (inner) =>
                `${prefix}.${field.property}.${safeName(inner.property)}: ${rules(inner)}`,
            )
          : [`${prefix}.${safeName(field.property)}: ${rules(field)}`],
      );
    });
  });
}

/** The rule broken, never the value: class-validator's messages do not quote it. */
function rules(error: ValidationError): string {
  // "property <name> should not exist" would quote the file's text.
  if (error.constraints?.whitelistValidation) return 'is not a known field';
  return Object.values(error.constraints ?? {}).join('; ') || 'invalid';
}

function where(index: number, entry: KeyEntryDto | undefined): string {
  const name =
    typeof entry?.name === 'string' && /^[\w.-]{1,63}$/.test(entry.name)
      ? ` (${entry.name})`
      : '';
  return `keys[${index}]${name}`;
}

/**
 * A field name from the file, shown only when it cannot be a pasted secret:
 * letters only, short (`secret`, `owner`); any other becomes `<field>`.
 */
function safeName(field: string): string {
  return KNOWN_FIELDS.has(field) || /^[A-Za-z]{1,24}$/.test(field)
    ? field
    : '<field>';
}

const KNOWN_FIELDS = new Set(['sha256', 'secretEnv', 'maxStreams']);

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function keysError(path: string, problems: string[]): Error {
  return new Error(
    `Invalid keys file (KEYS_FILE=${path}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
