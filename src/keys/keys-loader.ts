import { createHash } from 'node:crypto';
import { ApiKeys } from '../access/api-keys.js';
import {
  ConfigFile,
  definedOnly,
  readUtf8File,
  safeFieldName,
  type ReadFile,
} from '../common/config-file/config-file.js';
import { keyIdOfDigest, type ApiKeyDefinition } from './api-key-definition.js';
import { KeysFileDto, type KeyEntryDto } from './keys-file.dto.js';

type Secrets = Readonly<Record<string, string | undefined>>;

/**
 * A secret may be pasted anywhere in the file, a field's name included: the
 * errors show only names that cannot be one, and never the parser's message.
 */
const KEYS_FILE = new ConfigFile({
  title: 'keys file',
  setting: 'KEYS_FILE',
  list: 'keys',
  fieldName: safeName,
  hideUnknownFields: true,
});

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
  readFile: ReadFile = readUtf8File,
): ApiKeyDefinition[] {
  if (!env.KEYS_FILE)
    return ApiKeys.shortForm(env.API_KEYS, env.ADMIN_API_KEYS);
  if (env.API_KEYS || env.ADMIN_API_KEYS) {
    throw KEYS_FILE.error(env.KEYS_FILE, [
      'API_KEYS / ADMIN_API_KEYS: must be unset when KEYS_FILE is set (give every key in the file)',
    ]);
  }
  const file = KEYS_FILE.validate(
    env.KEYS_FILE,
    KeysFileDto,
    KEYS_FILE.read(env.KEYS_FILE, readFile),
  );
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenIds = new Set<string>();
  const definitions = file.keys.map((entry, index) => {
    const problem = (field: string, rule: string) =>
      problems.push(`${KEYS_FILE.entryLabel(index, entry)}.${field}: ${rule}`);
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
  if (problems.length > 0) {
    throw KEYS_FILE.error(env.KEYS_FILE, problems);
  }
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

/** A field name from the file, as errors show it (see `safeFieldName`). */
function safeName(field: string): string {
  return safeFieldName(field, KNOWN_FIELDS);
}

const KNOWN_FIELDS = new Set(['sha256', 'secretEnv', 'maxStreams']);
