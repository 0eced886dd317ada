/**
 * The delay an upstream asked for, in ms: `retry-after-ms` (OpenAI), or
 * `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3). Undefined
 * when absent or unreadable.
 */
export function retryAfterMs(
  headers: Headers | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
