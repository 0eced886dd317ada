import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { HttpErrors } from '../errors/http-errors.js';

/**
 * The process's shutdown state, shared by the parts that must react to it:
 * once draining, no new generation or stream is accepted; `closing$` fires
 * when open streams must end with their final `shutdown` event.
 */
@Injectable()
export class AppLifecycle {
  private drainingSince?: number;
  private readonly closing = new Subject<void>();

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

  /** Throws the 503 new work gets while the process shuts down. */
  assertAccepting(): void {
    if (this.draining) {
      throw HttpErrors.unavailable(
        'shutting_down',
        'The server is restarting; try again in a moment.',
      );
    }
  }
}
