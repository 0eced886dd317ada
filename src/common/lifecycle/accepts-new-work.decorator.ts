import { Injectable, UseGuards, type CanActivate } from '@nestjs/common';
import { AppLifecycle } from './app-lifecycle.service.js';

/**
 * Refuses new work (503, with Retry-After when overloaded) while the process
 * drains or sheds load. A guard, so that the decision is made before the
 * body is read, parsed or validated (`JsonBodyGuard`): refusing after
 * that work would still do the expensive part.
 */
@Injectable()
export class AcceptingNewWorkGuard implements CanActivate {
  constructor(private readonly lifecycle: AppLifecycle) {}

  canActivate(): boolean {
    this.lifecycle.assertAccepting();
    return true;
  }
}

/** The route starts new work: refused while draining or overloaded, before its body is read. */
export const AcceptsNewWork = () => UseGuards(AcceptingNewWorkGuard);
