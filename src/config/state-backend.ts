import type { EventBusName } from './env.schema.js';
import type { Env } from './settings.js';

/** Where state shared between instances lives: this process, or Redis. */
export type StateBackend = EventBusName;

/**
 * `EVENT_BUS` is the one scale-out switch: with `redis`, the event bus and
 * every other piece of shared state (conversations, ERNIE access tokens, rate
 * limits, auth-failure counts, stream counts, generation leases, deployment
 * quotas) live in Redis; with `memory`, all of them live in this process.
 * The factory tables are indexed by this, not by the bus setting itself.
 */
export const stateBackend = (env: Env): StateBackend => env.EVENT_BUS;
