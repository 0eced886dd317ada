import type { BudgetPeriod } from '../keys/api-key-definition.js';

/** A UTC calendar date, `YYYY-MM-DD`: the day usage is counted under. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

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
