/**
 * The origins CORS_ORIGINS allows: `*`, or a list of exact origins and
 * `scheme://host:*` patterns (any port), with `null` for pages opened as
 * files (and sandboxed frames, which also send `null`).
 */
export interface CorsOrigins {
  /** What `cors`' `origin` option takes: `*`, or exact origins and patterns. */
  option: '*' | (string | RegExp)[];
  /** The same list as CSP `connect-src` sources (`null` has none). */
  connectSources: string[];
}

export function parseCorsOrigins(raw: string): CorsOrigins {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes('*')) return { option: '*', connectSources: ['*'] };
  return {
    option: entries.map((entry) =>
      entry.endsWith(':*')
        ? new RegExp(`^${escapeRegExp(entry.slice(0, -2))}(:\\d+)?$`)
        : entry,
    ),
    // CSP has no syntax for `null` nor for IPv6 literals.
    connectSources: entries.filter(
      (entry) => entry !== 'null' && !entry.includes('['),
    ),
  };
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
