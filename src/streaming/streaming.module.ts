import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StreamRegistryModule } from '../streaming/slots/stream-registry.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import { settingsProvider } from '../config/settings.js';
import { LlmModule } from '../llm/llm.module.js';
import { EventStreamRoutes } from './event-stream-routes.js';
import { InFlightReplies } from './in-flight-replies.js';
import { ReplyRunner } from './reply-runner.js';
import { StreamingShutdown } from './streaming-shutdown.service.js';
import { STREAMING_SETTINGS, streamingSettings } from './streaming.settings.js';

/**
 * The streaming core under both front doors: reply runs (one fold of the
 * model's chunks, one in-flight registry), the shutdown drain, and the
 * event-stream routes found at bootstrap.
 */
@Module({
  imports: [DiscoveryModule, LlmModule, LifecycleModule, StreamRegistryModule],
  providers: [
    settingsProvider(STREAMING_SETTINGS, streamingSettings),
    InFlightReplies,
    ReplyRunner,
    StreamingShutdown,
    EventStreamRoutes,
  ],
  exports: [ReplyRunner, InFlightReplies, EventStreamRoutes],
})
export class StreamingModule {}
