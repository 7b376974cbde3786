/**
 * Measurements are the one currency between probes/scenarios and criteria: every kind fills the same
 * shape, so the criteria language never needs to know which kind produced a number (the gatus idea).
 */
export type Unit = 'ms' | 'seconds' | 'percent' | 'count' | 'bytes' | 'per_second' | 'number';

/** How a kind-wide measurement (`engine.latency_ms`) is derived from the per-target ones. */
export type Aggregate = 'max' | 'min' | 'sum' | 'mean';

export interface MetricSpec {
  unit: Unit;
  aggregate: Aggregate;
  /** Short human label used by renderers. */
  label: string;
  /** Shown in the one-line summary of a probe. */
  headline?: boolean;
  /** A labelled series that was not observed is a zero count (e.g. no firing alert of that severity). */
  missingIsZero?: boolean;
}

export interface Measurement {
  metric: string;
  value: number;
  unit: Unit;
  labels?: Record<string, string>;
}

/** Metrics every target gets from the runner, whatever its kind. */
export const COMMON_METRICS: Record<string, MetricSpec> = {
  available: { unit: 'percent', aggregate: 'mean', label: 'available' },
  healthy: { unit: 'count', aggregate: 'sum', label: 'healthy' },
  failed: { unit: 'count', aggregate: 'sum', label: 'failed' },
  latency_ms: { unit: 'ms', aggregate: 'max', label: 'latency' },
  /** Share of checks that passed over the whole run (the probe round plus the monitor's rounds). */
  uptime_pct: { unit: 'percent', aggregate: 'min', label: 'uptime', headline: true },
  uptime_checks: { unit: 'count', aggregate: 'min', label: 'checks' },
  /** Identity changes between checks (a process's pid and start time): restarts during the run. */
  restarts_seen: { unit: 'count', aggregate: 'sum', label: 'restarts seen', headline: true },
};
