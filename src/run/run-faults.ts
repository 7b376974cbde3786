import type { Config } from '../config/config.js';
import { notInjected, runFault, type FaultConfig } from '../faults/experiment.js';
import type { FaultResult } from '../results/fault-result.js';
import type { PhaseResult } from '../results/result.js';
import type { TargetBase } from '../fields/target.js';
import { probeOne } from './probe-one.js';

export interface FaultRunOptions {
  chaos: boolean;
  signal?: AbortSignal;
  say(line: string): void;
  /** Notes for the report are appended here. */
  notes: string[];
  /** Faults already run during their scenario (`during`), by name. */
  ranDuring?: Map<string, FaultResult>;
}

const NOT_REQUESTED = 'not run: fault experiments are destructive and run only with --chaos';

/** Fault experiments run last, one at a time, and only when asked; otherwise each is reported as not run. */
export async function runFaults(config: Config, phases: PhaseResult[], o: FaultRunOptions): Promise<FaultResult[]> {
  if (config.faults.length === 0) return [];
  const failed = phases.find((p) => p.status === 'fail');
  if (!o.chaos || failed) {
    const why = failed ? `not run: phase "${failed.name}" failed` : NOT_REQUESTED;
    o.notes.push(`${config.faults.length} fault experiment(s) ${why}`);
    return config.faults.map((f) => skipped(f, why, !failed));
  }
  const out: FaultResult[] = [];
  for (const f of config.faults) {
    const during = o.ranDuring?.get(f.name);
    if (during) out.push(during);
    else if (f.during) out.push(skipped(f, `not run: its scenario ${f.during} did not run`));
    else if (!o.signal?.aborted) out.push(await runOneFault(f, config, o));
  }
  return out;
}

/** One experiment; `hooks` hear of its injection and its end (a bus scenario marks its traffic then). */
export function runOneFault(
  f: FaultConfig,
  config: Config,
  o: Pick<FaultRunOptions, 'signal' | 'say'>,
  hooks: { onInject?(): void; onEnd?(): void } = {},
): Promise<FaultResult> {
  const check = (t: TargetBase, timeoutMs: number, c: { liveness: boolean; signal?: AbortSignal }) =>
    probeOne(t, timeoutMs, c.signal, { liveness: c.liveness });
  return runFault(f, { targets: config.targets, timeoutMs: config.defaults.timeout, signal: o.signal, say: o.say, check, ...hooks });
}

/** A fault experiment not run: deliberately (no --chaos: its criteria are NOT RUN, not failed), or because what it needs did not run. */
function skipped(f: FaultConfig, why: string, deliberately = false): FaultResult {
  return { ...(deliberately && { notRun: true }), ...notInjected(f, 'skip', why), durationMs: 0, measurements: [] };
}
