import { Injectable, Optional } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { AppError } from '../errors/app-error.js';
import { HttpErrors } from '../errors/http-errors.js';
import { OverloadMonitor } from './overload-monitor.js';

/**
 * The process's shutdown state, shared by the parts that must react to it:
 * once draining, no new generation or stream is accepted; `closing$` fires
 * when open streams must end with their final `shutdown` event. While the
 * process is overloaded (`OverloadMonitor`), new work is refused too, and
 * what runs goes on.
 */
@Injectable()
export class AppLifecycle {
  private drainingSince?: number;
  private readonly closing = new Subject<void>();

  constructor(@Optional() private readonly overload?: OverloadMonitor) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get closing$(): Observable<void> {
    return this.closing.asObservable();
  }

  beginDraining(): void {
    this.drainingSince ??= Date.now();
  }

  closeStreams(): void {
    this.closing.next();
    this.closing.complete();
  }

  /** Throws the 503 new work gets while the process shuts down or is overloaded. */
  assertAccepting(): void {
    if (this.draining) {
      throw HttpErrors.unavailable(
        'shutting_down',
        'The server is restarting; try again in a moment.',
      );
    }
    if (this.overload?.overloaded) {
      throw new AppError(
        'overloaded',
        'The server is at capacity; try again in a moment.',
        503,
        { retryAfterSeconds: 1 },
      );
    }
  }
}
