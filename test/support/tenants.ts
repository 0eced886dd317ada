import { createHash } from 'node:crypto';
import type { AppProcess } from './app-process.js';

/** The principal id the gateway gives an API key (`k_` and 12 hex digits of its SHA-256). */
export const keyIdOf = (key: string) =>
  `k_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** One JSON call as `key`; the body parsed when there is one. */
export async function callAs(
  app: AppProcess,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...bearer(key), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

/** Posts one user message to a conversation as `key`. */
export const sendAs = (
  app: AppProcess,
  key: string,
  conversationId: string,
  content: string,
) =>
  callAs(app, key, 'POST', '/server/send', {
    conversationId,
    messages: [{ role: 'user', content }],
  });
