import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The configured API keys (`API_KEYS`, comma-separated). Keys are held only
 * as SHA-256 digests, and a presented key is compared with every one of them
 * in constant time (equal-length digests, no early exit), so that neither the
 * comparison time nor a log line can reveal a key. A key is known elsewhere by
 * its id, a prefix of its digest. Admin keys (`ADMIN_API_KEYS`) authenticate
 * like the others and are marked as such.
 */
export class ApiKeys {
  private readonly entries: { id: string; digest: Buffer; admin: boolean }[];
  /** Lengths of the configured keys, for start-up warnings (never the keys). */
  readonly lengths: number[];

  constructor(raw: string | undefined, adminRaw?: string) {
    const admins = new Set(ApiKeys.parse(adminRaw));
    const keys = [...new Set([...ApiKeys.parse(raw), ...admins])];
    this.lengths = keys.map((key) => key.length);
    this.entries = keys.map((key) => ({
      id: ApiKeys.idOf(key),
      digest: digest(key),
      admin: admins.has(key),
    }));
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
    return `k_${digest(key).toString('hex').slice(0, 12)}`;
  }

  /** False when no key is configured: the API is open. */
  get enabled(): boolean {
    return this.entries.length > 0;
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
    return this.entries.some((entry) => entry.id === keyId);
  }

  isAdmin(keyId: string): boolean {
    return this.entries.some((entry) => entry.id === keyId && entry.admin);
  }
}
