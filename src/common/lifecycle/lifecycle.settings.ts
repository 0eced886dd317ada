import type { Env } from '../../config/settings.js';

/** What the lifecycle services read from the environment. */
export interface LifecycleSettings {
  /** Mean event-loop delay past which the instance sheds new work. */
  overloadEventLoopDelayMs: number;
  /** Event-loop utilisation (0-1) which, held for a second, sheds new work. */
  overloadEventLoopUtilization: number;
}

export const LIFECYCLE_SETTINGS = Symbol('LIFECYCLE_SETTINGS');

export const lifecycleSettings = (env: Env): LifecycleSettings => ({
  overloadEventLoopDelayMs: env.OVERLOAD_EVENT_LOOP_DELAY_MS,
  overloadEventLoopUtilization: env.OVERLOAD_EVENT_LOOP_UTILIZATION,
});
