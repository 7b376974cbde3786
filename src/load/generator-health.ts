import { readFileSync } from 'node:fs';
import type { LatencyDistribution } from '../results/latency.js';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** The percentiles `DelaySummary.quantiles` holds the delay at, in order: its distribution, for sums of delays. */
export const DELAY_PERCENTILES = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5, 99.9, 100];

/** The generator's own wake-up delay over a run, beyond the sampler's resolution, at every level a latency is quoted at (quantiles at DELAY_PERCENTILES). */
export type DelaySummary = LatencyDistribution;

export interface GeneratorHealth {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** The same delay at every level a latency is quoted at: what the generator may add to a latency there. */
  delayMs?: DelaySummary;
  /** Peak resident memory of the generator process so far: flat however long a run lasts. */
  maxRssMb: number;
  /** Share of the run the generator's thread spent working (event-loop utilisation): near 100, it is saturated. */
  busyPct?: number;
  /** The machine's load average (1 min) per core at the end: above 1, other work was queued for the CPU too. */
  loadPerCore?: number;
  /** Share of the run some task on this machine waited for a CPU (/proc/pressure/cpu), where the kernel tells. */
  cpuPressurePct?: number;
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
  const pressure0 = cpuPressure();
  const t0 = performance.now();
  h.enable();
  return {
    stop() {
      h.disable();
      const pressure1 = cpuPressure();
      const wallUs = (performance.now() - t0) * 1000;
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
        loadPerCore: loadavg()[0] / availableParallelism(),
        ...(pressure0 !== undefined &&
          pressure1 !== undefined &&
          wallUs > 0 && { cpuPressurePct: Math.min(100, ((pressure1 - pressure0) / wallUs) * 100) }),
      };
    },
  };
}

/** Microseconds some task has waited for a CPU since boot (PSI), or undefined where the kernel does not tell. */
function cpuPressure(): number | undefined {
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    const total = /total=(\d+)/.exec(some)?.[1];
    return total === undefined ? undefined : Number(total);
  } catch {
    return undefined;
  }
}

/** At or above this share of busy time the generator itself is the limit. */
export const SATURATED_PCT = 90;
/**
 * At or above this 1-minute load per core the machine's cores were mostly taken (a hog on one of two
 * cores reads 0.9-1.0 here): other work, not a pause, held the generator up. The average lags, so not 1.
 */
const BUSY_LOAD_PER_CORE = 0.7;
/** At or above this share of the run with a task waiting for a CPU, the machine was busy, whatever the load average says yet. */
const BUSY_PRESSURE_PCT = 50;

/** The machine's load in words: "load 4.8 on 2 cores, CPU pressure 97%" (the share of the run some task waited for a CPU). */
export function machineLoad(g: GeneratorHealth): string {
  const cores = availableParallelism();
  const load = g.loadPerCore === undefined ? undefined : `load ${(g.loadPerCore * cores).toFixed(1)} on ${cores} cores`;
  const pressure = g.cpuPressurePct === undefined ? undefined : `CPU pressure ${Math.round(g.cpuPressurePct)}%`;
  return [load, pressure].filter(Boolean).join(', ') || 'load unknown';
}

/**
 * Whether other work took the machine's CPUs during the run: the kernel's pressure over the run where it
 * tells (the 1-minute load average still carries the minute before), the load average otherwise.
 */
export function machineBusy(g: GeneratorHealth): boolean {
  if (g.cpuPressurePct !== undefined) return g.cpuPressurePct >= BUSY_PRESSURE_PCT;
  return (g.loadPerCore ?? 0) >= BUSY_LOAD_PER_CORE;
}

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
