import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  Inject,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { CHAT_SETTINGS, type ChatSettings } from './chat.settings.js';
import { GenerationRunner } from './generation-runner.service.js';
import { StreamRegistry } from './sse/stream-registry.js';

/**
 * Graceful shutdown of the chat path, in Nest's shutdown order: first refuse
 * new messages and streams (503), then let running replies finish until
 * SHUTDOWN_GRACE_MS (stopping the rest, which still end with `done`), then end
 * every open stream with a `shutdown` event and wait for those to be written,
 * before the HTTP server closes. No accepted POST is dropped silently.
 */
@Injectable()
export class ChatShutdown
  implements OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ChatShutdown.name);
  private readonly graceMs: number;
  private drainStartedAt = 0;

  constructor(
    private readonly lifecycle: AppLifecycle,
    private readonly runner: GenerationRunner,
    private readonly streams: StreamRegistry,
    @Inject(CHAT_SETTINGS) settings: ChatSettings,
  ) {
    this.graceMs = settings.shutdownGraceMs;
  }

  onModuleDestroy(): void {
    this.drainStartedAt = Date.now();
    this.lifecycle.beginDraining();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // One grace period from the start of draining, shared with the other
    // modules' shutdown hooks, which Nest runs one after the other.
    const left = Math.max(0, this.drainStartedAt + this.graceMs - Date.now());
    const running = this.runner.activeCount;
    if (running > 0)
      this.logger.log(
        `Waiting for ${running} running replies (up to ${left} ms)`,
      );
    await this.runner.drain(left);
    this.lifecycle.closeStreams();
    const deadline = Date.now() + 2_000;
    while (this.streams.openStreams > 0 && Date.now() < deadline)
      await sleep(10);
  }
}
