import type { BudgetPeriod } from '../keys/api-key-definition.js';

/** One finished model call, as counted. */
export interface UsageEntry {
  /** The key's name (`anonymous` when the API is open). */
  key: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  failed: boolean;
  at: Date;
}

/** What one key spent on one model on one day. */
export interface UsageRow {
  key: string;
  model: string;
  date: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  errors: number;
}

export interface UsageQuery {
  /** Only these keys; undefined: every key. */
  keys?: string[];
  model?: string;
  /** First and last day, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
}

/**
 * Usage per key × model × day, and tokens per key and budget period, and its
 * injection token: in memory for one process, in Redis shared by every
 * instance and kept across restarts.
 */
export abstract class UsageLedger {
  abstract record(entry: UsageEntry): Promise<void>;

  /** Tokens (prompt and completion) `key` has spent in the `period` containing `at`. */
  abstract spent(key: string, period: BudgetPeriod, at: Date): Promise<number>;

  /** The rows of the query, in no particular order. */
  abstract rows(query: UsageQuery): Promise<UsageRow[]>;
}

/** The fields of a row's counters, shared by the implementations. */
export const COUNTERS = {
  r: 'requests',
  p: 'promptTokens',
  c: 'completionTokens',
  e: 'errors',
} as const satisfies Record<string, keyof UsageRow>;

export function increments(
  entry: UsageEntry,
): Record<keyof typeof COUNTERS, number> {
  return {
    r: 1,
    p: entry.promptTokens,
    c: entry.completionTokens,
    e: entry.failed ? 1 : 0,
  };
}

export function matches(
  query: UsageQuery,
  key: string,
  model: string,
): boolean {
  return (
    (query.keys === undefined || query.keys.includes(key)) &&
    (query.model === undefined || query.model === model)
  );
}
