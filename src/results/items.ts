import type { FaultResult } from './fault-result.js';
import type { MeasuredItem } from './result.js';
import { overBudget, type ScenarioResult } from './scenario-result.js';

/**
 * What criteria read of a load result: its measurements; its latency and throughput qualified by its
 * errors (the platform's); and, when its generator could not vouch for it (INVALID), that doubt.
 */
export function scenarioItem(r: ScenarioResult): MeasuredItem {
  const qualified = overBudget(r);
  const doubt = r.validity === 'INVALID' ? `INVALID: ${r.invalidReason}` : undefined;
  // Deliberately not run (it would change the platform, and --chaos was not given): its criteria are NOT RUN.
  const notRun = r.status === 'skip';
  return {
    family: 'scenario',
    kind: 'scenario',
    name: r.name,
    status: r.status,
    required: true,
    error: qualified ?? doubt ?? (notRun ? r.notes?.[0] : undefined),
    measurements: r.measurements,
    ...(notRun && { notRun }),
    ...(qualified && { qualified }),
    ...(doubt && { inconclusive: doubt }),
    ...(r.generator?.busyMachine && { busyMachine: r.generator.busyMachine }),
  };
}

/** How a report written before `notRun` existed says a fault was deliberately not run. */
const NOT_REQUESTED_TEXT = 'not run: fault experiments are destructive';

/** What criteria read of a fault experiment; one deliberately not run makes its criteria NOT RUN, one that tested nothing INCONCLUSIVE. */
export function faultItem(r: FaultResult): MeasuredItem {
  const notRun = r.notRun ?? (r.status === 'skip' && (r.error ?? '').startsWith(NOT_REQUESTED_TEXT));
  return {
    family: 'fault',
    kind: 'fault',
    name: r.name,
    status: r.status,
    required: true,
    error: r.error,
    measurements: r.measurements,
    ...(r.unmeasured && { unmeasured: r.unmeasured }),
    ...(notRun && { notRun }),
    ...(r.inconclusive && { inconclusive: r.inconclusive }),
  };
}
