import { applyDecorators, SetMetadata, Sse } from '@nestjs/common';
import { AcceptsStreamToken } from '../access/accepts-stream-token.decorator.js';

export const EVENT_STREAM_ROUTE = Symbol('eventStreamRoute');

export interface EventStreamRouteOptions {
  /** The controller's prefix, so that the HTTP layer knows the full path. */
  prefix: string;
  path: string;
}

/**
 * Marks a handler as an event-stream route: Server-Sent Events whose
 * options come from validated config (found at bootstrap by
 * `EventStreamRoutes`), that take a stream token, have their own rate
 * bucket (`streams`) and are never compressed. The app's guards and HTTP
 * set-up read this, never Nest's metadata.
 */
export function EventStreamRoute(
  options: EventStreamRouteOptions,
): MethodDecorator {
  return applyDecorators(
    Sse(options.path),
    SetMetadata(EVENT_STREAM_ROUTE, options),
    AcceptsStreamToken(),
  );
}

// oxlint-disable-next-line typescript/no-unsafe-function-type
export const isEventStreamHandler = (handler: Function): boolean =>
  Reflect.getMetadata(EVENT_STREAM_ROUTE, handler) !== undefined;
