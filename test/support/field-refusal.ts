import { AppError } from '../../src/common/errors/app-error.js';

/** The first field and rule of the 400 that `run` throws; fails when it throws none. */
export function fieldRefusal(run: () => unknown): {
  field: string;
  rule: string;
  message: string;
} {
  try {
    run();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const errors = (error.details?.errors ?? []) as {
      field: string;
      rule: string;
    }[];
    const { field, rule } = errors[0];
    return { field, rule, message: error.message };
  }
  throw new Error('expected a 400, but nothing was thrown');
}
