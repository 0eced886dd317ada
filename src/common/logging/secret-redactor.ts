/** Secrets shorter than this are not looked for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Most runtime secrets (ERNIE access tokens) kept: each lives 30 days, and
 * a process refreshes a handful in its life.
 */
const MAX_SECRETS = 256;

/**
 * What may stand between two characters of a secret that an upstream echoed
 * "spaced out" or that a log line JSON-escaped: blanks, quotes, backslashes
 * and punctuation, up to three of them.
 */
const GAP = String.raw`[\s"'\\.,;:_|/+*-]{0,3}`;

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The gateway's own secrets (API keys of every deployment, ERNIE secret keys
 * and access tokens, Redis passwords, API_KEYS, the stream-token secret),
 * removed from text by exact value and by the forms an echo or an encoder
 * gives them: characters spaced out or JSON-escaped, URL-encoded, base64.
 * Unlike the heuristic of `redactSecrets`, it never touches other text, so
 * it can run over our own messages and every log line. One instance per
 * process (LoggingModule), filled from the configuration at start-up and
 * with each access token when it is obtained.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret to look for; short, empty and known ones are ignored. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    if (this.secrets.has(secret)) return;
    this.secrets.add(secret);
    if (this.secrets.size > MAX_SECRETS) {
      this.secrets.delete(this.secrets.values().next().value!);
    }
    this.pattern = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** `text` with every form of every secret replaced by `[REDACTED]`. */
  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= this.compile();
    this.pattern.lastIndex = 0;
    return text.replace(this.pattern, '[REDACTED]');
  }

  private compile(): RegExp {
    const alternatives = new Set<string>();
    // Longest first: a secret that contains another is removed whole.
    const secrets = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of secrets) {
      alternatives.add(Array.from(secret).map(escapeRegExp).join(GAP));
      for (const form of encodedForms(secret)) {
        if (form !== secret) alternatives.add(escapeRegExp(form));
      }
    }
    return new RegExp([...alternatives].join('|'), 'g');
  }
}

/** The secret as an encoder writes it: URL-encoded, base64 and base64url (unpadded). */
function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    encodeURIComponent(secret),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
  ];
}
