import type { LatencyDistribution } from '../results/latency.js';
import { machineBusy, machineLoad, watchMachine, type MachineLoad } from '../util/machine-load.js';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** The percentiles `DelaySummary.quantiles` holds the delay at, in order: its distribution, for sums of delays. */
export const DELAY_PERCENTILES = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5, 99.9, 100];

/** The generator's own wake-up delay over a run, beyond the sampler's resolution, at every level a latency is quoted at (quantiles at DELAY_PERCENTILES). */
export type DelaySummary = LatencyDistribution;

export interface GeneratorHealth extends MachineLoad {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** The same delay at every level a latency is quoted at: what the generator may add to a latency there. */
  delayMs?: DelaySummary;
  /** Peak resident memory of the generator process so far: flat however long a run lasts. */
  maxRssMb: number;
  /** Share of the run the generator's thread spent working (event-loop utilisation): near 100, it is saturated. */
  busyPct?: number;
}

/** The sampler's period: it notes how late each 2 ms timer fired (500 samples a second: a p99 of a short scenario that is not just its slowest). */
const RESOLUTION_MS = 2;

/**
 * Watches the generator's own event loop during a run: when it lags, every latency measured includes
 * the generator's delay, and the run must say so rather than blame the server. How busy the thread was
 * and how loaded the machine was tell the two causes apart: a generator at its limit, or a busy machine.
 */
export function watchGenerator(): { stop(): GeneratorHealth } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const elu = performance.eventLoopUtilization();
  const machine = watchMachine();
  h.enable();
  return {
    stop() {
      h.disable();
      // The histogram includes the sampling resolution; subtract it to get the delay beyond it.
      const beyond = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
      const sampled = h.count > 0;
      const at = (q: number) => (sampled ? beyond(h.percentile(q)) : 0);
      const delayMs: DelaySummary = {
        quantiles: DELAY_PERCENTILES.map((q) => (q === 0 ? (sampled ? beyond(h.min) : 0) : at(q))),
        min: sampled ? beyond(h.min) : 0,
        mean: sampled ? beyond(h.mean) : 0,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        p999: at(99.9),
        max: sampled ? beyond(h.max) : 0,
      };
      return {
        eventLoopDelayP99Ms: delayMs.p99,
        eventLoopDelayMaxMs: delayMs.max,
        delayMs,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        busyPct: performance.eventLoopUtilization(elu).utilization * 100,
        ...machine.stop(),
      };
    },
  };
}

/** At or above this share of busy time the generator itself is the limit. */
export const SATURATED_PCT = 90;
/**
 * Why the generator fell behind, in words a user can act on: it was saturated (the load is more than one
 * process makes: spread it), the machine was busy (other work took the CPU: run elsewhere), or neither
 * (a pause: run again).
 */
export function generatorCause(g: GeneratorHealth): string {
  const busy = g.busyPct === undefined ? undefined : Math.round(g.busyPct);
  if (busy !== undefined && busy >= SATURATED_PCT)
    return `the generator was saturated (its thread busy ${busy}% of the run): this load is more than one process makes here; spread it with --workers N or shards (--shard i/n), or lower the rate`;
  if (machineBusy(g))
    return `this machine was busy (${machineLoad(g)}; the generator itself was busy ${busy ?? '?'}%): other work held it up; run the gate on a quieter machine or runner`;
  return `the generator was held up though neither it (busy ${busy ?? '?'}%) nor the machine (${machineLoad(g)}) was saturated: a pause (garbage collection, a stalled VM); run it again`;
}
