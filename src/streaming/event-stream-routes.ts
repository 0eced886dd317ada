import { Inject, Injectable, Sse } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  EVENT_STREAM_ROUTE,
  type EventStreamRouteOptions,
} from './event-stream-route.decorator.js';
import {
  STREAMING_SETTINGS,
  type StreamingSettings,
} from './streaming.settings.js';

/**
 * The app's event-stream routes (`@EventStreamRoute`), found through Nest's
 * discovery when the app is built, as `@nestjs/schedule` finds its
 * handlers. Each is declared to Nest with the configured pending limit
 * (SSE_MAX_PENDING_CHARS) through the public `@Sse()` decorator: this runs
 * while Nest builds the providers, before it registers the routes. The
 * HTTP set-up asks `has(path)` to keep those paths out of compression and
 * document headers.
 */
@Injectable()
export class EventStreamRoutes {
  private readonly paths = new Set<string>();

  constructor(
    discovery: DiscoveryService,
    scanner: MetadataScanner,
    reflector: Reflector,
    @Inject(STREAMING_SETTINGS) settings: StreamingSettings,
  ) {
    for (const wrapper of discovery.getControllers()) {
      const prototype = (wrapper.metatype as { prototype?: object } | null)
        ?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method];
        if (typeof handler !== 'function') continue;
        const options = reflector.get<EventStreamRouteOptions | undefined>(
          EVENT_STREAM_ROUTE,
          handler,
        );
        if (!options) continue;
        this.paths.add(`/${options.prefix}/${options.path}`);
        declare(prototype, method, options.path, settings.maxPendingChars);
      }
    }
  }

  /** Whether `path` (a request's path) is an event-stream route. */
  has(path: string): boolean {
    return this.paths.has(path);
  }
}

function declare(
  prototype: object,
  method: string,
  path: string,
  maxPendingDataLength: number,
): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
  if (!descriptor) throw new Error(`No handler ${method} to declare`);
  Sse(path, { maxPendingDataLength })(prototype, method, descriptor);
}
