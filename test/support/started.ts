/** A value set by a `beforeAll` hook, or a clear error when read before it ran. */
export const started = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is not started yet`);
  return value;
};
