/**
 * Base of every error the gateway raises on purpose. `code` is stable and
 * machine-readable (clients switch on it); `message` is for people; `details`
 * carries structured context (the offending field, an upstream code) and must
 * never hold a secret.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): ErrorBody {
    return {
      statusCode: this.status,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** The JSON body of every HTTP error answer. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
