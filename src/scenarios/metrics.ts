import type { MetricSpec } from '../results/measurement.js';

/** What criteria can read from any scenario result: `scenario.<result>.<metric>`, or `scenario.<metric>` over all. */
export const SCENARIO_METRICS: Record<string, MetricSpec> = {
  requests: { unit: 'count', aggregate: 'sum', label: 'requests' },
  errors: { unit: 'count', aggregate: 'sum', label: 'errors' },
  success_rate: { unit: 'percent', aggregate: 'min', label: 'success rate' },
  rps: { unit: 'per_second', aggregate: 'min', label: 'rps' },
  target_rps: { unit: 'per_second', aggregate: 'min', label: 'target rps' },
  min_ms: { unit: 'ms', aggregate: 'min', label: 'min' },
  mean_ms: { unit: 'ms', aggregate: 'max', label: 'mean' },
  p50_ms: { unit: 'ms', aggregate: 'max', label: 'p50' },
  p90_ms: { unit: 'ms', aggregate: 'max', label: 'p90' },
  p99_ms: { unit: 'ms', aggregate: 'max', label: 'p99' },
  p999_ms: { unit: 'ms', aggregate: 'max', label: 'p99.9' },
  max_ms: { unit: 'ms', aggregate: 'max', label: 'max' },
  uncorrected_p50_ms: { unit: 'ms', aggregate: 'max', label: 'p50 (uncorrected)' },
  uncorrected_p99_ms: { unit: 'ms', aggregate: 'max', label: 'p99 (uncorrected)' },
  uncorrected_max_ms: { unit: 'ms', aggregate: 'max', label: 'max (uncorrected)' },
  late: { unit: 'count', aggregate: 'sum', label: 'late' },
  dropped: { unit: 'count', aggregate: 'sum', label: 'dropped' },
  invalid: { unit: 'count', aggregate: 'sum', label: 'invalid' },
  // Soak stability, across windows.
  windows: { unit: 'count', aggregate: 'min', label: 'windows' },
  p99_drift_pct: { unit: 'percent', aggregate: 'max', label: 'p99 drift first to last window' },
  worst_window_p99_ms: { unit: 'ms', aggregate: 'max', label: 'worst window p99' },
  worst_window_error_pct: { unit: 'percent', aggregate: 'max', label: 'worst window error rate' },
  max_throughput_drop_pct: { unit: 'percent', aggregate: 'max', label: 'largest throughput drop between windows' },
};
