import { Module } from '@nestjs/common';
import { settingsProvider } from '../../config/settings.js';
import { AppLifecycle } from './app-lifecycle.service.js';
import { LIFECYCLE_SETTINGS, lifecycleSettings } from './lifecycle.settings.js';
import { OverloadMonitor } from './overload-monitor.js';

@Module({
  providers: [
    settingsProvider(LIFECYCLE_SETTINGS, lifecycleSettings),
    AppLifecycle,
    OverloadMonitor,
  ],
  exports: [AppLifecycle, OverloadMonitor],
})
export class LifecycleModule {}
