import type { BudgetPeriod } from '../keys/api-key-definition.js';
import {
  COUNTERS,
  increments,
  matches,
  UsageLedger,
  type UsageEntry,
  type UsageQuery,
  type UsageRow,
} from './usage-ledger.js';
import { dayOf, daysBetween, periodOf } from './usage-periods.js';

/** This process's usage (EVENT_BUS=memory): gone at restart. */
export class MemoryUsageLedger extends UsageLedger {
  /** day → `key\u0000model` → row. */
  private readonly days = new Map<string, Map<string, UsageRow>>();
  /** `key\u0000periodId` → tokens. */
  private readonly spending = new Map<string, number>();

  record(entry: UsageEntry): Promise<void> {
    const date = dayOf(entry.at);
    const day = this.days.get(date) ?? new Map<string, UsageRow>();
    this.days.set(date, day);
    const id = `${entry.key}\u0000${entry.model}`;
    const row = day.get(id) ?? {
      key: entry.key,
      model: entry.model,
      date,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      errors: 0,
    };
    for (const [field, add] of Object.entries(increments(entry))) {
      row[COUNTERS[field as keyof typeof COUNTERS]] += add;
    }
    day.set(id, row);
    const tokens = entry.promptTokens + entry.completionTokens;
    // The period ids from the day already worked out (what periodOf gives):
    // building them again costs three ISO dates per call.
    for (const slot of [
      `${entry.key}\u0000day:${date}`,
      `${entry.key}\u0000month:${date.slice(0, 7)}`,
    ]) {
      this.spending.set(slot, (this.spending.get(slot) ?? 0) + tokens);
    }
    return Promise.resolve();
  }

  spent(key: string, period: BudgetPeriod, at: Date): Promise<number> {
    const slot = `${key}\u0000${periodOf(period, at).id}`;
    return Promise.resolve(this.spending.get(slot) ?? 0);
  }

  rows(query: UsageQuery): Promise<UsageRow[]> {
    return Promise.resolve(
      daysBetween(query.from, query.to).flatMap((date) =>
        [...(this.days.get(date)?.values() ?? [])]
          .filter((row) => matches(query, row.key, row.model))
          .map((row) => ({ ...row })),
      ),
    );
  }
}
