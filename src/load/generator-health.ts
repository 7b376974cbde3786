import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface GeneratorHealth {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Peak resident memory of the generator process so far: flat however long a run lasts. */
  maxRssMb: number;
}

/**
 * Watches this process's own event loop during a run: when it lags, every latency measured includes
 * the generator's delay, and the run must say so rather than blame the server.
 */
export function watchGenerator(): { stop(): GeneratorHealth } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    stop() {
      h.disable();
      // The histogram includes the 10 ms sampling resolution; subtract it to get the delay beyond it.
      const beyond = (ns: number) => Math.max(0, ns / 1e6 - 10);
      return { eventLoopDelayP99Ms: beyond(h.percentile(99)), eventLoopDelayMaxMs: beyond(h.max), maxRssMb: process.resourceUsage().maxRSS / 1024 };
    },
  };
}
