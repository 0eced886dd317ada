import type { StateBackend } from '../config/state-backend.js';
import type { RedisConnector } from '../redis/redis-connector.js';
import { MemoryUsageLedger } from './memory-usage-ledger.js';
import { RedisUsageLedger } from './redis-usage-ledger.js';
import type { UsageLedger } from './usage-ledger.js';

/** Where each state backend (`EVENT_BUS`) keeps usage: this process, or Redis for every instance and across restarts. */
export const USAGE_LEDGER_FACTORIES: Record<
  StateBackend,
  (redis: RedisConnector) => UsageLedger | Promise<UsageLedger>
> = {
  memory: () => new MemoryUsageLedger(),
  redis: async (redis) => new RedisUsageLedger(await redis.connections()),
};
