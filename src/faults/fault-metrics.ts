import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { FaultResult, FaultTraffic } from '../results/fault-result.js';

/** What criteria read of a fault experiment: `fault.<name>.recovery_ms`, or over all faults `fault.isolated`. */
export const FAULT_METRICS: Record<string, MetricSpec> = {
  /** 1 when it recovered, was isolated and left the platform steady; absent when it tested nothing. */
  passed: { unit: 'count', aggregate: 'min', label: 'experiments passed' },
  took_effect: { unit: 'count', aggregate: 'min', label: 'took effect', selfCheck: true },
  recovery_ms: { unit: 'ms', aggregate: 'max', label: 'recovery time' },
  recovered: { unit: 'count', aggregate: 'min', label: 'recovered' },
  isolated: { unit: 'count', aggregate: 'min', label: 'isolated' },
  affected: { unit: 'count', aggregate: 'sum', label: 'targets affected' },
  steady_after: { unit: 'count', aggregate: 'min', label: 'steady state after' },
  witness_recovery_ms: { unit: 'ms', aggregate: 'max', label: 'tool reconnection' },
  // Injected during a bus scenario (`during`): what its messages went through.
  messages_lost: { unit: 'count', aggregate: 'sum', label: 'messages lost during the fault' },
  messages_refused: { unit: 'count', aggregate: 'sum', label: 'publishes the bus refused during the fault' },
  delivery_gap_ms: { unit: 'ms', aggregate: 'max', label: 'longest time without a delivery during the fault' },
  // Injected during an HTTP scenario: successful requests per second while in effect, against before it.
  throughput_drop_pct: { unit: 'percent', aggregate: 'max', label: 'throughput drop during the fault' },
};

/** The traffic a fault cost, as measurements; and what cannot be said without traffic. */
export function trafficMeasurements(t: FaultTraffic | undefined): { measurements: Measurement[]; unmeasured: Record<string, string> } {
  if (!t) {
    const why = 'the fault was not injected during a bus scenario (give it during: <scenario>)';
    return { measurements: [], unmeasured: { messages_lost: why, messages_refused: why, delivery_gap_ms: why } };
  }
  const measurements: Measurement[] = [{ metric: 'messages_refused', value: t.refused ?? 0, unit: 'count' }];
  const unmeasured: Record<string, string> = {};
  // A bus that took no message during the fault lost none, and showed nothing about losing them.
  if (t.published > 0) measurements.push({ metric: 'messages_lost', value: t.lost, unit: 'count' });
  else
    unmeasured.messages_lost = `${t.scenario} got no message onto the bus from the injection to the recovery (${t.refused ?? 0} refused): nothing could be lost; inject earlier in the traffic or give it a longer duration`;
  if (t.gapMs !== null) measurements.push({ metric: 'delivery_gap_ms', value: t.gapMs, unit: 'ms' });
  else unmeasured.delivery_gap_ms = `no message was delivered from the injection until ${t.scenario} ended`;
  return { measurements, unmeasured };
}

/**
 * A fault that did not take effect tested nothing: it has no recovery time, no isolation and no
 * recovery to read, so criteria on them cannot pass (the fault itself failed, saying why).
 */
export function faultMeasurements(r: Omit<FaultResult, 'durationMs' | 'measurements'>): Measurement[] {
  const m: Measurement[] = [];
  if (r.steadyBefore && !r.interrupted) m.push({ metric: 'steady_after', value: r.steadyAfter ? 1 : 0, unit: 'count' });
  if (r.steadyBefore) m.push({ metric: 'took_effect', value: r.tookEffect ? 1 : 0, unit: 'count' });
  if (!r.tookEffect || r.interrupted) return m;
  m.push({ metric: 'recovered', value: r.recovered ? 1 : 0, unit: 'count' });
  // Isolation the machine may have bent (bystanders that only timed out on a busy machine) is not known
  // either way: criteria on it are INCONCLUSIVE, with the fault's own reason.
  if (r.status !== 'inconclusive')
    m.push(
      { metric: 'passed', value: r.recovered && r.isolated && r.steadyAfter ? 1 : 0, unit: 'count' },
      { metric: 'isolated', value: r.isolated ? 1 : 0, unit: 'count' },
      { metric: 'affected', value: r.affected.length, unit: 'count' },
    );
  if (r.recoveryMs !== null) m.push({ metric: 'recovery_ms', value: r.recoveryMs, unit: 'ms' });
  if (r.witnessRecoveryMs !== undefined) m.push({ metric: 'witness_recovery_ms', value: r.witnessRecoveryMs, unit: 'ms' });
  return m;
}
