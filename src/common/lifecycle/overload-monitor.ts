import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import {
  LIFECYCLE_SETTINGS,
  type LifecycleSettings,
} from './lifecycle.settings.js';

/** How often the event loop's delay is judged, over what it was since. */
const WINDOW_MS = 250;
/** How often the delay is sampled: a timer's lateness is the loop's delay. */
const SAMPLE_MS = 10;
/** Windows in a row past the delay threshold before new work is refused. */
const WINDOWS_TO_SHED = 2;
/**
 * Windows in a row past the utilisation threshold before new work is
 * refused: a second, so that a burst the process absorbs in a few hundred
 * milliseconds (a hundred POSTs at once) is not taken for saturation.
 */
const BUSY_WINDOWS_TO_SHED = 4;

/**
 * Whether the process is past its capacity, judged from its event loop: its
 * mean delay over each quarter second above OVERLOAD_EVENT_LOOP_DELAY_MS
 * twice in a row, or its utilisation (the share of the quarter second spent
 * running JavaScript and callbacks rather than waiting for I/O) at or above
 * OVERLOAD_EVENT_LOOP_UTILIZATION for a second. The delay alone understates
 * the usual overload: each turn of the loop handles what is readable and no
 * more, so its timers stay tens of milliseconds late while the backlog waits
 * in the kernel (unread upstream sockets, the listen queue) and first tokens
 * come hundreds of milliseconds late (bench/analysis.md, capacity); the loop
 * is then never idle. Past capacity, every request waits its turn
 * behind the others, so a queue of work only makes every answer late (POSTs
 * and `/health/live` waited 8.5 s in the test): refusing new work at
 * once, with a Retry-After, keeps the latency of the accepted work bounded.
 * The mean, not the maximum: one long garbage collection, or the process
 * waiting for a core on a busy machine, is not an overload. Sampled with a
 * timer of its own rather than `monitorEventLoopDelay`, whose histogram in
 * Node 20 records a 400 ms block of the loop as a few samples of 10-20 ms.
 */
@Injectable()
export class OverloadMonitor
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(OverloadMonitor.name);
  private readonly thresholdMs: number;
  private readonly utilizationThreshold: number;
  private timer?: NodeJS.Timeout;
  private lastElu?: EventLoopUtilization;
  private utilization = 0;
  private windowsBusy = 0;
  private lastTick = 0;
  private windowStart = 0;
  private lagSumMs = 0;
  private samples = 0;
  private delayMs = 0;
  private windowsOver = 0;
  private over = false;

  constructor(@Inject(LIFECYCLE_SETTINGS) settings: LifecycleSettings) {
    this.thresholdMs = settings.overloadEventLoopDelayMs;
    this.utilizationThreshold = settings.overloadEventLoopUtilization;
  }

  /** True while the last window's mean delay was past the threshold. */
  get overloaded(): boolean {
    return this.over;
  }

  /** The last window's mean event-loop delay (ms). */
  get eventLoopDelayMs(): number {
    return this.delayMs;
  }

  /** The last window's event-loop utilisation (0-1). */
  get eventLoopUtilization(): number {
    return this.utilization;
  }

  onApplicationBootstrap(): void {
    if (this.thresholdMs <= 0 && this.utilizationThreshold <= 0) return;
    this.lastElu = performance.eventLoopUtilization();
    this.lastTick = this.windowStart = performance.now();
    this.timer = setInterval(this.tick, SAMPLE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private readonly tick = (): void => {
    const now = performance.now();
    this.lagSumMs += Math.max(0, now - this.lastTick - SAMPLE_MS);
    this.samples++;
    this.lastTick = now;
    if (now - this.windowStart >= WINDOW_MS) this.judge(now);
  };

  private judge(now: number): void {
    this.delayMs = this.lagSumMs / this.samples;
    this.lagSumMs = 0;
    this.samples = 0;
    this.windowStart = now;
    const elu = performance.eventLoopUtilization();
    this.utilization = performance.eventLoopUtilization(
      elu,
      this.lastElu,
    ).utilization;
    this.lastElu = elu;
    this.windowsOver =
      this.thresholdMs > 0 && this.delayMs > this.thresholdMs
        ? this.windowsOver + 1
        : 0;
    this.windowsBusy =
      this.utilizationThreshold > 0 &&
      this.utilization >= this.utilizationThreshold
        ? this.windowsBusy + 1
        : 0;
    const over =
      this.windowsOver >= WINDOWS_TO_SHED ||
      this.windowsBusy >= BUSY_WINDOWS_TO_SHED;
    if (over !== this.over) {
      this.logger.warn(
        over
          ? `Overloaded: event-loop delay ${Math.round(this.delayMs)} ms, utilisation ${this.utilization.toFixed(2)}; new requests get 503 until both fall`
          : 'No longer overloaded',
      );
    }
    this.over = over;
  }
}
