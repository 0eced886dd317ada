import { applyDecorators, SetMetadata, Sse } from '@nestjs/common';
import { AcceptsStreamToken } from '../../access/accepts-stream-token.decorator.js';
import { declareSseRoute, installSseFrameWriter } from './nest-sse-adapter.js';

export const EVENT_STREAM_ROUTE = Symbol('eventStreamRoute');

export interface EventStreamRouteOptions {
  /** The controller's prefix, so that the HTTP layer knows the full path. */
  prefix: string;
  path: string;
}

/** Full paths of the event-stream routes: the HTTP layer keeps them out of compression. */
const eventStreamPaths = new Set<string>();

/**
 * Marks a handler as an event-stream route: Server-Sent Events whose
 * options come from validated config (`configureEventStreams`), that take a
 * stream token, have their own rate bucket (`streams`) and are never
 * compressed. The app's guards and HTTP set-up read this, never Nest's
 * metadata.
 */
export function EventStreamRoute(
  options: EventStreamRouteOptions,
): MethodDecorator {
  eventStreamPaths.add(`/${options.prefix}/${options.path}`);
  return applyDecorators(
    Sse(options.path),
    SetMetadata(EVENT_STREAM_ROUTE, options),
    AcceptsStreamToken(),
  );
}

// oxlint-disable-next-line typescript/no-unsafe-function-type
export const isEventStreamHandler = (handler: Function): boolean =>
  Reflect.getMetadata(EVENT_STREAM_ROUTE, handler) !== undefined;

export const isEventStreamPath = (path: string): boolean =>
  eventStreamPaths.has(path);

/**
 * Declares a controller's event-stream routes to Nest with the validated
 * pending limit, and installs the frame writer. Called from the
 * controller's constructor: Nest builds controllers before it registers
 * their routes.
 */
export function configureEventStreams(
  controller: abstract new (...args: never[]) => unknown,
  maxPendingChars: number,
): void {
  installSseFrameWriter();
  const prototype = controller.prototype as Record<string, unknown>;
  for (const method of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[method];
    if (typeof handler !== 'function') continue;
    const options = Reflect.getMetadata(EVENT_STREAM_ROUTE, handler) as
      EventStreamRouteOptions | undefined;
    if (options)
      declareSseRoute(prototype, method, options.path, maxPendingChars);
  }
}
