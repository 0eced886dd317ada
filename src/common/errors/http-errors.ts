import { AppError } from './app-error.js';

/** 4xx errors with their stable codes, so call sites read as what went wrong. */
export const HttpErrors = {
  validation: (message: string, errors: FieldError[]) =>
    new AppError('validation_failed', message, 400, { errors }),
  conflict: (
    code: string,
    message: string,
    details?: Record<string, unknown>,
  ) => new AppError(code, message, 409, details),
  notFound: (code: string, message: string) => new AppError(code, message, 404),
  tooMany: (code: string, message: string, details?: Record<string, unknown>) =>
    new AppError(code, message, 429, details),
  unavailable: (code: string, message: string) =>
    new AppError(code, message, 503),
};

/** One failed rule on one field, as reported in `details.errors`. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}
