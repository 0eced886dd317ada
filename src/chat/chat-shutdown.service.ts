import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  Inject,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import type { AppConfig } from '../config/app-config.service.js';
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

  constructor(
    private readonly lifecycle: AppLifecycle,
    private readonly runner: GenerationRunner,
    private readonly streams: StreamRegistry,
    @Inject(ConfigService) config: AppConfig,
  ) {
    this.graceMs = config.get('SHUTDOWN_GRACE_MS', { infer: true });
  }

  onModuleDestroy(): void {
    this.lifecycle.beginDraining();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const running = this.runner.activeCount;
    if (running > 0)
      this.logger.log(
        `Waiting for ${running} running replies (up to ${this.graceMs} ms)`,
      );
    await this.runner.drain(this.graceMs);
    this.lifecycle.closeStreams();
    const deadline = Date.now() + 2_000;
    while (this.streams.openStreams > 0 && Date.now() < deadline)
      await sleep(10);
  }
}
