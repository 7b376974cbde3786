import type { MetricSpec } from '../results/measurement.js';

/** Latency and throughput count only with the success of the same requests (see MetricSpec.performance). */
const perf = (unit: MetricSpec['unit'], aggregate: MetricSpec['aggregate'], label: string): MetricSpec => ({
  unit,
  aggregate,
  label,
  performance: true,
});

/** What criteria can read from any scenario result: `scenario.<result>.<metric>`, or `scenario.<metric>` over all. */
export const SCENARIO_METRICS: Record<string, MetricSpec> = {
  // Requests the generator put on the wire: under less load than asked, a count is the generator's as much as the server's.
  requests: { unit: 'count', aggregate: 'sum', label: 'requests', performance: true },
  errors: { unit: 'count', aggregate: 'sum', label: 'errors' },
  success_rate: { unit: 'percent', aggregate: 'min', label: 'success rate' },
  over_error_budget: { unit: 'count', aggregate: 'sum', label: 'results over their error budget' },
  rps: perf('per_second', 'min', 'rps'),
  target_rps: { unit: 'per_second', aggregate: 'min', label: 'target rps' },
  min_ms: perf('ms', 'min', 'min'),
  mean_ms: perf('ms', 'max', 'mean'),
  p50_ms: perf('ms', 'max', 'p50'),
  p90_ms: perf('ms', 'max', 'p90'),
  p99_ms: perf('ms', 'max', 'p99'),
  p999_ms: perf('ms', 'max', 'p99.9'),
  max_ms: perf('ms', 'max', 'max'),
  uncorrected_p50_ms: perf('ms', 'max', 'p50 (uncorrected)'),
  uncorrected_p99_ms: perf('ms', 'max', 'p99 (uncorrected)'),
  uncorrected_max_ms: perf('ms', 'max', 'max (uncorrected)'),
  late: { unit: 'count', aggregate: 'sum', label: 'late' },
  dropped: { unit: 'count', aggregate: 'sum', label: 'dropped' },
  queued: { unit: 'count', aggregate: 'sum', label: 'waited for a connection' },
  invalid: { unit: 'count', aggregate: 'sum', label: 'INVALID load results', selfCheck: true },
  // Soak stability, across windows.
  windows: { unit: 'count', aggregate: 'min', label: 'windows' },
  p99_drift_pct: perf('percent', 'max', 'p99 drift first to last window'),
  worst_window_p99_ms: perf('ms', 'max', 'worst window p99'),
  worst_window_error_pct: { unit: 'percent', aggregate: 'max', label: 'worst window error rate' },
  max_throughput_drop_pct: perf('percent', 'max', 'largest throughput drop between windows'),
};
