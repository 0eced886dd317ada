import {
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { ChatEventBus } from './chat-event-bus.js';
import { MemoryChatEventBus } from './memory/memory-chat-event-bus.js';

@Global()
@Module({
  providers: [
    {
      provide: ChatEventBus,
      inject: [ConfigService],
      useFactory: (config: AppConfig): ChatEventBus =>
        new MemoryChatEventBus({
          replaySize: config.get('REPLAY_BUFFER_SIZE', { infer: true }),
          replayTtlMs: config.get('REPLAY_BUFFER_TTL_MS', { infer: true }),
        }),
    },
  ],
  exports: [ChatEventBus],
})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(ChatEventBus) private readonly bus: ChatEventBus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}
