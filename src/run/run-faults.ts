import type { Config } from '../config/config.js';
import { runFault } from '../faults/experiment.js';
import type { FaultResult } from '../results/fault-result.js';
import type { MeasuredItem, PhaseResult } from '../results/result.js';
import type { TargetBase } from '../fields/target.js';
import { probeOne } from './probe-one.js';

export interface FaultRunOptions {
  chaos: boolean;
  signal?: AbortSignal;
  say(line: string): void;
  /** Notes for the report are appended here. */
  notes: string[];
}

const NOT_REQUESTED = 'not run: fault experiments are destructive and run only with --chaos';

/** Fault experiments run last, one at a time, and only when asked; otherwise each is reported as not run. */
export async function runFaults(config: Config, phases: PhaseResult[], o: FaultRunOptions): Promise<FaultResult[]> {
  if (config.faults.length === 0) return [];
  const failed = phases.find((p) => p.status === 'fail');
  if (!o.chaos || failed) {
    const why = failed ? `not run: phase "${failed.name}" failed` : NOT_REQUESTED;
    o.notes.push(`${config.faults.length} fault experiment(s) ${why}`);
    return config.faults.map((f) => ({
      name: f.name, type: f.fault.type, action: '', status: 'skip', error: why, watched: f.watch, steadyBefore: false, steadyAfter: false,
      recovered: false, recoveryMs: null, disruptionSeen: false, tookEffect: false, affected: [], isolated: true, checks: 0, durationMs: 0, measurements: [],
    }));
  }
  const out: FaultResult[] = [];
  for (const f of config.faults) {
    if (o.signal?.aborted) break;
    const check = (t: TargetBase, timeoutMs: number, c: { liveness: boolean; signal?: AbortSignal }) => probeOne(t, timeoutMs, c.signal, { liveness: c.liveness });
    out.push(await runFault(f, { targets: config.targets, signal: o.signal, say: o.say, check }));
  }
  return out;
}

/** What criteria read of a fault result; a fault not run on purpose makes its criteria NOT RUN. */
export function faultItem(r: FaultResult): MeasuredItem {
  return { family: 'fault', kind: 'fault', name: r.name, status: r.status, required: true, error: r.error, measurements: r.measurements, notRun: r.error === NOT_REQUESTED };
}
