/** The per-key `tpm`/`maxStreams` counters (a `DeploymentLimiter` of its own). */
export const KEY_LIMITER = Symbol('KEY_LIMITER');
/** `() => Date`: the clock budgets and usage days are read from. */
export const USAGE_CLOCK = Symbol('USAGE_CLOCK');
