import type { BudgetPeriod } from '../keys/api-key-definition.js';

const DAY_MS = 86_400_000;
/** The last day formatted, by its number since the epoch: one per day, not per call. */
let lastDay = { number: Number.NaN, date: '' };

/**
 * A UTC calendar date, `YYYY-MM-DD`: the day usage is counted under. Every
 * model call records usage under it, and formatting an ISO date costs
 * ~5 µs of a `POST /server/send` (bench/analysis.md); the last day's string
 * is kept.
 */
export function dayOf(at: Date): string {
  const number = Math.floor(at.getTime() / DAY_MS);
  if (number !== lastDay.number) {
    lastDay = { number, date: at.toISOString().slice(0, 10) };
  }
  return lastDay.date;
}

/** One budget period: its id (`day:2026-12-06`, `month:2026-12`) and when the next begins. */
export interface PeriodWindow {
  id: string;
  startsAt: Date;
  resetsAt: Date;
}

/** The period of `kind` that contains `at` (UTC days and months). */
export function periodOf(kind: BudgetPeriod, at: Date): PeriodWindow {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  if (kind === 'day') {
    const startsAt = new Date(Date.UTC(year, month, at.getUTCDate()));
    return {
      id: `day:${dayOf(at)}`,
      startsAt,
      resetsAt: new Date(startsAt.getTime() + 86_400_000),
    };
  }
  return {
    id: `month:${dayOf(at).slice(0, 7)}`,
    startsAt: new Date(Date.UTC(year, month, 1)),
    resetsAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}

/** Every date from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end; at += 86_400_000) {
    days.push(dayOf(new Date(at)));
  }
  return days;
}
