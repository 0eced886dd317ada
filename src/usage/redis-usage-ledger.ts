import type { BudgetPeriod } from '../keys/api-key-definition.js';
import { LuaScript } from '../redis/lua-script.js';
import type { RedisConnections } from '../redis/redis-connections.js';
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

/** Rows are kept this long (a year and some), spending past its period's end. */
const ROWS_TTL_MS = 400 * 86_400_000;
const SPENT_TTL_MS = 40 * 86_400_000;

/**
 * Adds to one day's hash: ARGV pairs of field and increment, then the TTL.
 * One key per script, so one cluster slot.
 */
const ADD = new LuaScript(`
local n = #ARGV - 1
for i = 1, n, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[#ARGV])
return 1
`);

const SPEND = new LuaScript(`
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/**
 * Usage shared by every instance and kept across restarts (EVENT_BUS=redis):
 * one hash per day (`usage:day:<date>`, fields `<counter>:<key>:<model>`;
 * key names hold no `:`), and one counter per key and budget period
 * (`usage:spent:<key>:<period>`), both added to with HINCRBY/INCRBY so that
 * instances never overwrite each other.
 */
export class RedisUsageLedger extends UsageLedger {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async record(entry: UsageEntry): Promise<void> {
    const args: (string | number)[] = [];
    for (const [counter, add] of Object.entries(increments(entry))) {
      if (add !== 0) args.push(`${counter}:${entry.key}:${entry.model}`, add);
    }
    const tokens = entry.promptTokens + entry.completionTokens;
    await Promise.all([
      ADD.run(
        this.redis.command,
        [this.redis.key('usage', 'day', dayOf(entry.at))],
        [...args, ROWS_TTL_MS],
      ),
      ...(['day', 'month'] as const).map((period) =>
        SPEND.run(
          this.redis.command,
          [this.spentKey(entry.key, period, entry.at)],
          [tokens, SPENT_TTL_MS],
        ),
      ),
    ]);
  }

  async spent(key: string, period: BudgetPeriod, at: Date): Promise<number> {
    const value = await this.redis.command.get(this.spentKey(key, period, at));
    return Number(value ?? 0);
  }

  async rows(query: UsageQuery): Promise<UsageRow[]> {
    const days = daysBetween(query.from, query.to);
    const hashes = await Promise.all(
      days.map((date) =>
        this.redis.command.hgetall(this.redis.key('usage', 'day', date)),
      ),
    );
    return hashes.flatMap((hash, index) => {
      const rows = new Map<string, UsageRow>();
      for (const [field, value] of Object.entries(hash)) {
        const first = field.indexOf(':');
        const second = field.indexOf(':', first + 1);
        const counter = field.slice(0, first) as keyof typeof COUNTERS;
        const key = field.slice(first + 1, second);
        const model = field.slice(second + 1);
        if (!(counter in COUNTERS) || !matches(query, key, model)) continue;
        const id = `${key}\u0000${model}`;
        const row = rows.get(id) ?? {
          key,
          model,
          date: days[index],
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          errors: 0,
        };
        row[COUNTERS[counter]] = Number(value);
        rows.set(id, row);
      }
      return [...rows.values()];
    });
  }

  private spentKey(key: string, period: BudgetPeriod, at: Date): string {
    return this.redis.key('usage', 'spent', key, periodOf(period, at).id);
  }
}
