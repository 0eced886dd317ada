import {
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export interface StreamTokenClaims {
  /** Id of the API key the token was issued to. */
  keyId: string;
  /** The only conversation the token opens. */
  conversationId: string;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
}

export type StreamTokenFailure = 'malformed' | 'bad_signature' | 'expired';

export class StreamTokenError extends Error {
  constructor(readonly reason: StreamTokenFailure) {
    super(`stream token ${reason}`);
  }
}

const PREFIX = 'st1';
const MAX_TOKEN_LENGTH = 1024;

/**
 * Short-lived tokens that let an EventSource (which cannot send headers)
 * open a stream without putting the long-lived API key in a URL:
 * `st1.<payload>.<signature>`, the payload base64url JSON `{k, c, e}` and
 * the signature HMAC-SHA256 over `st1.<payload>`. The payload is readable
 * (it holds no secret: a key id, a conversation id, an expiry), but any change
 * to it breaks the signature.
 */
export class StreamTokenSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(claims: Omit<StreamTokenClaims, 'expiresAt'>): {
    token: string;
    claims: StreamTokenClaims;
  } {
    const full: StreamTokenClaims = {
      ...claims,
      expiresAt: Math.floor(this.now() / 1000) + this.ttlSeconds,
    };
    const payload = Buffer.from(
      JSON.stringify({
        k: full.keyId,
        c: full.conversationId,
        e: full.expiresAt,
      }),
    ).toString('base64url');
    const signed = `${PREFIX}.${payload}`;
    return { token: `${signed}.${this.signature(signed)}`, claims: full };
  }

  /** The claims of a valid, unexpired token; throws `StreamTokenError` otherwise. */
  verify(token: string): StreamTokenClaims {
    if (token.length > MAX_TOKEN_LENGTH)
      throw new StreamTokenError('malformed');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) {
      throw new StreamTokenError('malformed');
    }
    const signed = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.signature(signed));
    const presented = Buffer.from(parts[2]);
    if (
      presented.length !== expected.length ||
      !timingSafeEqual(presented, expected)
    ) {
      throw new StreamTokenError('bad_signature');
    }
    const claims = parseClaims(parts[1]);
    if (claims.expiresAt * 1000 <= this.now()) {
      throw new StreamTokenError('expired');
    }
    return claims;
  }

  private signature(signed: string): string {
    return createHmac('sha256', this.secret).update(signed).digest('base64url');
  }
}

function parseClaims(payload: string): StreamTokenClaims {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new StreamTokenError('malformed');
  }
  const { k, c, e } = (raw ?? {}) as Record<string, unknown>;
  if (typeof k !== 'string' || typeof c !== 'string' || typeof e !== 'number') {
    throw new StreamTokenError('malformed');
  }
  return { keyId: k, conversationId: c, expiresAt: e };
}

/**
 * The signing secret: STREAM_TOKEN_SECRET when set; otherwise derived (HKDF)
 * from the API keys, so that every instance configured with the same keys
 * accepts the others' tokens without extra setup, and removing a key
 * invalidates the tokens signed before; with no key at all, a random
 * per-process secret (tokens are then not needed anyway).
 */
export function deriveStreamTokenSecret(
  explicit: string | undefined,
  keys: string[],
): Buffer {
  if (explicit) return Buffer.from(explicit, 'utf8');
  if (keys.length === 0) return randomBytes(32);
  const material = [...keys].sort().join('\n');
  return Buffer.from(
    hkdfSync('sha256', material, 'chatgw', 'stream-token v1', 32),
  );
}
