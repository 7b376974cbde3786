import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { FaultResult } from '../results/fault-result.js';

/** What criteria read of a fault experiment: `fault.<name>.recovery_ms`, or over all faults `fault.isolated`. */
export const FAULT_METRICS: Record<string, MetricSpec> = {
  recovery_ms: { unit: 'ms', aggregate: 'max', label: 'recovery time' },
  recovered: { unit: 'count', aggregate: 'min', label: 'recovered' },
  isolated: { unit: 'count', aggregate: 'min', label: 'isolated' },
  affected: { unit: 'count', aggregate: 'sum', label: 'targets affected' },
  steady_after: { unit: 'count', aggregate: 'min', label: 'steady state after' },
  witness_recovery_ms: { unit: 'ms', aggregate: 'max', label: 'tool reconnection' },
};

/**
 * A fault that did not take effect tested nothing: it has no recovery time, no isolation and no
 * recovery to read, so criteria on them cannot pass (the fault itself failed, saying why).
 */
export function faultMeasurements(r: Omit<FaultResult, 'durationMs' | 'measurements'>): Measurement[] {
  const m: Measurement[] = [];
  if (r.steadyBefore && !r.interrupted) m.push({ metric: 'steady_after', value: r.steadyAfter ? 1 : 0, unit: 'count' });
  if (!r.tookEffect || r.interrupted) return m;
  m.push(
    { metric: 'recovered', value: r.recovered ? 1 : 0, unit: 'count' },
    { metric: 'isolated', value: r.isolated ? 1 : 0, unit: 'count' },
    { metric: 'affected', value: r.affected.length, unit: 'count' },
  );
  if (r.recoveryMs !== null) m.push({ metric: 'recovery_ms', value: r.recoveryMs, unit: 'ms' });
  if (r.witnessRecoveryMs !== undefined) m.push({ metric: 'witness_recovery_ms', value: r.witnessRecoveryMs, unit: 'ms' });
  return m;
}
