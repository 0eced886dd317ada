import { Module } from '@nestjs/common';
import { AppLifecycle } from './app-lifecycle.service.js';
import { OverloadMonitor } from './overload-monitor.js';

@Module({
  providers: [AppLifecycle, OverloadMonitor],
  exports: [AppLifecycle, OverloadMonitor],
})
export class LifecycleModule {}
