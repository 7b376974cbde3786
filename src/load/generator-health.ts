import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export interface GeneratorHealth {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Peak resident memory of the generator process so far: flat however long a run lasts. */
  maxRssMb: number;
  /** Share of the run the generator's thread spent working (event-loop utilisation): near 100, it is saturated. */
  busyPct?: number;
  /** The machine's load average (1 min) per core at the end: above 1, other work was queued for the CPU too. */
  loadPerCore?: number;
}

/**
 * Watches the generator's own event loop during a run: when it lags, every latency measured includes
 * the generator's delay, and the run must say so rather than blame the server. How busy the thread was
 * and how loaded the machine was tell the two causes apart: a generator at its limit, or a busy machine.
 */
export function watchGenerator(): { stop(): GeneratorHealth } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  const elu = performance.eventLoopUtilization();
  h.enable();
  return {
    stop() {
      h.disable();
      // The histogram includes the 10 ms sampling resolution; subtract it to get the delay beyond it.
      const beyond = (ns: number) => Math.max(0, ns / 1e6 - 10);
      return {
        eventLoopDelayP99Ms: beyond(h.percentile(99)),
        eventLoopDelayMaxMs: beyond(h.max),
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        busyPct: performance.eventLoopUtilization(elu).utilization * 100,
        loadPerCore: loadavg()[0] / availableParallelism(),
      };
    },
  };
}

/** At or above this share of busy time the generator itself is the limit. */
const SATURATED_PCT = 90;
/**
 * At or above this 1-minute load per core the machine's cores were mostly taken (a hog on one of two
 * cores reads 0.9-1.0 here): other work, not a pause, held the generator up. The average lags, so not 1.
 */
const BUSY_LOAD_PER_CORE = 0.7;

/**
 * Why the generator fell behind, in words a user can act on: it was saturated (the load is more than one
 * process makes: spread it), the machine was busy (other work took the CPU: run elsewhere), or neither
 * (a pause: run again).
 */
export function generatorCause(g: GeneratorHealth): string {
  const busy = g.busyPct === undefined ? undefined : Math.round(g.busyPct);
  const load =
    g.loadPerCore === undefined ? undefined : `${(g.loadPerCore * availableParallelism()).toFixed(1)} on ${availableParallelism()} cores`;
  if (busy !== undefined && busy >= SATURATED_PCT)
    return `the generator was saturated (its thread busy ${busy}% of the run): this load is more than one process makes here; spread it with --workers N or shards (--shard i/n), or lower the rate`;
  if (g.loadPerCore !== undefined && g.loadPerCore >= BUSY_LOAD_PER_CORE)
    return `this machine was busy (load ${load}; the generator itself was busy ${busy ?? '?'}%): other work held it up; run the gate on a quieter machine or runner`;
  return `the generator was held up though neither it (busy ${busy ?? '?'}%) nor the machine (load ${load ?? '?'}) was saturated: a pause (garbage collection, a stalled VM); run it again`;
}
