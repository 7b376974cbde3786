import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** How busy the machine was over a stretch of time: what tells the machine's delays from the platform's. */
export interface MachineLoad {
  /** The load average (1 min) per core at the end: above 1, other work was queued for the CPU. */
  loadPerCore?: number;
  /** Share of the stretch some task on this machine waited for a CPU (/proc/pressure/cpu), where the kernel tells. */
  cpuPressurePct?: number;
}

/**
 * At or above this 1-minute load per core the machine's cores were mostly taken (a hog on one of two
 * cores reads 0.9-1.0 here): other work, not a pause, held things up. The average lags, so not 1.
 */
const BUSY_LOAD_PER_CORE = 0.7;
/** At or above this share of the stretch with a task waiting for a CPU, the machine was busy, whatever the load average says yet. */
const BUSY_PRESSURE_PCT = 50;

/** Starts watching the machine's CPU pressure; `stop()` says how busy it was since. */
export function watchMachine(): { stop(): MachineLoad } {
  const pressure0 = cpuPressure();
  const t0 = performance.now();
  return {
    stop() {
      const pressure1 = cpuPressure();
      const wallUs = (performance.now() - t0) * 1000;
      return {
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

/** The machine's load in words: "load 4.8 on 2 cores, CPU pressure 97%" (the share of the time some task waited for a CPU). */
export function machineLoad(g: MachineLoad): string {
  const cores = availableParallelism();
  const load = g.loadPerCore === undefined ? undefined : `load ${(g.loadPerCore * cores).toFixed(1)} on ${cores} cores`;
  const pressure = g.cpuPressurePct === undefined ? undefined : `CPU pressure ${Math.round(g.cpuPressurePct)}%`;
  return [load, pressure].filter(Boolean).join(', ') || 'load unknown';
}

/**
 * Whether other work took the machine's CPUs: the kernel's pressure over the stretch where it tells (the
 * 1-minute load average still carries the minute before), the load average otherwise.
 */
export function machineBusy(g: MachineLoad): boolean {
  if (g.cpuPressurePct !== undefined) return g.cpuPressurePct >= BUSY_PRESSURE_PCT;
  return (g.loadPerCore ?? 0) >= BUSY_LOAD_PER_CORE;
}
