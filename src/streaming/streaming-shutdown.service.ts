import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamRegistry } from '../streaming/slots/stream-registry.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { InFlightReplies } from './in-flight-replies.js';
import {
  STREAMING_SETTINGS,
  type StreamingSettings,
} from './streaming.settings.js';

/** How long the open streams get to write their `shutdown` event and end. */
const STREAMS_CLOSE_MS = 2_000;

/**
 * Graceful shutdown of every reply and stream, in Nest's shutdown order:
 * first refuse new messages, completions and streams (503), then let running
 * replies finish until SHUTDOWN_GRACE_MS (stopping the rest, which still end
 * as their API ends a stopped reply), then end every open stream with a
 * `shutdown` event and wait for those to be written, before the HTTP server
 * closes. No accepted request is dropped silently.
 */
@Injectable()
export class StreamingShutdown
  implements OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(StreamingShutdown.name);
  private drainStartedAt = 0;

  constructor(
    private readonly lifecycle: AppLifecycle,
    private readonly replies: InFlightReplies,
    private readonly streams: StreamRegistry,
    @Inject(STREAMING_SETTINGS) private readonly settings: StreamingSettings,
  ) {}

  onModuleDestroy(): void {
    this.drainStartedAt = Date.now();
    this.lifecycle.beginDraining();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // One grace period from the start of draining, shared with the other
    // modules' shutdown hooks, which Nest runs one after the other.
    const left = Math.max(
      0,
      this.drainStartedAt + this.settings.shutdownGraceMs - Date.now(),
    );
    if (this.replies.size > 0)
      this.logger.log(
        `Waiting for ${this.replies.size} running replies (up to ${left} ms)`,
      );
    await this.replies.drain(left);
    this.lifecycle.closeStreams();
    const deadline = Date.now() + STREAMS_CLOSE_MS;
    while (this.streams.openStreams > 0 && Date.now() < deadline)
      await sleep(10);
  }
}
