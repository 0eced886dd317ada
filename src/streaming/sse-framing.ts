/** The fields of one Server-Sent Event. */
export interface SseFields {
  /** Absent: an unnamed event, dispatched as `message`. */
  event?: string;
  id?: string;
  retry?: number;
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;
const FIELD_BREAKS = /[\r\n]/g;

/**
 * The SSE bytes of one event, the only place they are written, for both
 * APIs (test/sse-framing.e2e-spec.ts): `event:`, `id:`, `retry:`, then one
 * `data:` line per line of the data (CR, LF and CRLF all end a line), then
 * a blank line.
 */
export function frameSse({ event, id, retry, data }: SseFields): string {
  let frame = event === undefined ? '' : `event: ${field(event)}\n`;
  if (id !== undefined) frame += `id: ${field(id)}\n`;
  if (retry !== undefined) frame += `retry: ${retry}\n`;
  if (!LINE_BREAK.test(data)) return `${frame}data: ${data}\n\n`;
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/**
 * The heartbeat: one comment line, alone. No blank line follows it, since
 * some clients (`fetch-event-source`) fire an empty `onmessage` on every
 * blank line, even one that ends no field.
 */
export const PING_FRAME = ': ping\n';

const field = (value: string) => value.replace(FIELD_BREAKS, '');
