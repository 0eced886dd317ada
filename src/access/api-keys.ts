import { createHash, timingSafeEqual } from 'node:crypto';
import {
  keyIdOfDigest,
  type ApiKeyDefinition,
} from '../keys/api-key-definition.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** What a reload changed, by key id. */
export interface KeysChange {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * The configured API keys: from KEYS_FILE, or the short form `API_KEYS`
 * (comma-separated) and `ADMIN_API_KEYS`. Keys are held only as SHA-256
 * digests, and a presented key is compared with every one of them in
 * constant time (equal-length digests, no early exit), so that neither the
 * comparison time nor a log line can reveal a key. A key is known elsewhere
 * by its id, a prefix of its digest, and by its name. The set can be
 * replaced while the process runs (KEYS_FILE reloaded on SIGHUP).
 */
export class ApiKeys {
  private entries: ApiKeyDefinition[];
  private byId: Map<string, ApiKeyDefinition>;
  /** Lengths of the keys given in plain form, for start-up warnings (never the keys). */
  readonly lengths: number[];

  constructor(raw: string | undefined, adminRaw?: string) {
    const definitions = ApiKeys.shortForm(raw, adminRaw);
    this.entries = definitions;
    this.byId = indexById(definitions);
    this.lengths = [
      ...new Set([...ApiKeys.parse(raw), ...ApiKeys.parse(adminRaw)]),
    ].map((key) => key.length);
  }

  /** Keys already resolved (KEYS_FILE); `lengths` is empty: their secrets are not held. */
  static fromDefinitions(definitions: ApiKeyDefinition[]): ApiKeys {
    const keys = new ApiKeys(undefined);
    keys.replace(definitions);
    return keys;
  }

  /** The short form as definitions: each key named by its id, without limits. */
  static shortForm(
    raw: string | undefined,
    adminRaw?: string,
  ): ApiKeyDefinition[] {
    const admins = new Set(ApiKeys.parse(adminRaw));
    const keys = [...new Set([...ApiKeys.parse(raw), ...admins])];
    return keys.map((key) => {
      const id = ApiKeys.idOf(key);
      return {
        id,
        name: id,
        digest: digest(key),
        role: admins.has(key) ? 'admin' : 'user',
        limits: {},
      };
    });
  }

  /** Splits `API_KEYS`: trimmed, empty entries and duplicates dropped. */
  static parse(raw: string | undefined): string[] {
    const keys = (raw ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    return [...new Set(keys)];
  }

  static idOf(key: string): string {
    return keyIdOfDigest(digest(key));
  }

  /** False when no key is configured: the API is open. */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** Every key, in configuration order. */
  get all(): readonly ApiKeyDefinition[] {
    return this.entries;
  }

  /** The id of the key `candidate` is, or undefined; constant time in the candidate. */
  identify(candidate: string): string | undefined {
    const presented = digest(candidate);
    let match: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest)) match ??= entry.id;
    }
    return match;
  }

  has(keyId: string): boolean {
    return this.byId.has(keyId);
  }

  isAdmin(keyId: string): boolean {
    return this.byId.get(keyId)?.role === 'admin';
  }

  definition(keyId: string): ApiKeyDefinition | undefined {
    return this.byId.get(keyId);
  }

  byName(name: string): ApiKeyDefinition | undefined {
    return this.entries.find((entry) => entry.name === name);
  }

  /** Puts a new set of keys in force at once; returns what changed. */
  replace(definitions: ApiKeyDefinition[]): KeysChange {
    const before = this.byId;
    const after = indexById(definitions);
    this.entries = definitions;
    this.byId = after;
    const same = (a: ApiKeyDefinition, b: ApiKeyDefinition) =>
      JSON.stringify({ ...a, digest: undefined }) ===
      JSON.stringify({ ...b, digest: undefined });
    return {
      added: [...after.keys()].filter((id) => !before.has(id)),
      removed: [...before.keys()].filter((id) => !after.has(id)),
      changed: [...after.entries()]
        .filter(
          ([id, entry]) => before.has(id) && !same(before.get(id)!, entry),
        )
        .map(([id]) => id),
    };
  }
}

function indexById(
  definitions: ApiKeyDefinition[],
): Map<string, ApiKeyDefinition> {
  return new Map(definitions.map((entry) => [entry.id, entry]));
}
