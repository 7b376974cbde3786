import type { MetricSpec } from './measurement.js';
import type { MeasuredItem } from './result.js';
import type { ScenarioResult } from './scenario-result.js';

/**
 * What criteria read of a series across the runs of a history (`trend.scenario.peak.p99_ms.shift_pct`):
 * the size of a change point in the last runs, and how many there are.
 */
export const TREND_METRICS: Record<string, MetricSpec> = {
  // The latest change point within the recent runs, in % of the level before it (+12: 12% higher since); 0 when none.
  shift_pct: { unit: 'percent', aggregate: 'max', label: 'shift in the last runs' },
  change_points: { unit: 'count', aggregate: 'sum', label: 'change points in the last runs' },
};

/** A load result's numbers a history keeps run after run: each is a series a trend watches. */
export interface LoadNumbers {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  rps: number;
  /** The failed share, in %. */
  errorPct: number;
}

/** How each load series is read, as criteria name it (`scenario.peak.p50_ms`). */
export const LOAD_SERIES: { metric: string; of: (l: LoadNumbers) => number }[] = [
  { metric: 'p50_ms', of: (l) => l.p50Ms },
  { metric: 'p90_ms', of: (l) => l.p90Ms },
  { metric: 'p99_ms', of: (l) => l.p99Ms },
  { metric: 'max_ms', of: (l) => l.maxMs },
  { metric: 'rps', of: (l) => l.rps },
  { metric: 'error_pct', of: (l) => l.errorPct },
];

/** A load result's numbers, as the history keeps them. */
export function loadNumbers(s: Pick<ScenarioResult, 'latencyMs' | 'rps' | 'successRate'>): LoadNumbers {
  const l = s.latencyMs;
  return { p50Ms: l.p50, p90Ms: l.p90, p99Ms: l.p99, maxMs: l.max, rps: s.rps, errorPct: 100 - s.successRate };
}

/** The series a load result has in a history, as trend members name them. */
export function trendSeriesOf(result: string): string[] {
  return LOAD_SERIES.map((s) => `scenario.${result}.${s.metric}`);
}

/** A run's numbers a trend criterion can name: each load result's series, and each probe's. */
export interface CurrentNumbers {
  scenarios: ScenarioResult[];
  probes: Pick<MeasuredItem, 'kind' | 'name' | 'measurements'>[];
}

/** A probe's number in a run, as criteria name it (`redis.primary.replication_lag_s`). */
export interface ProbeNumber {
  series: string;
  value: number;
}

/**
 * The numbers of a probe a history keeps: each measurement without labels (a labelled one, such as a
 * stream group's pending count, is watched through the criterion that reads it).
 */
export function probeNumbers(p: Pick<MeasuredItem, 'kind' | 'name' | 'measurements'>): ProbeNumber[] {
  return p.measurements
    .filter((m) => !m.labels || !Object.keys(m.labels).length)
    .filter((m) => Number.isFinite(m.value))
    .map((m) => ({ series: `${p.kind}.${p.name}.${m.metric}`, value: m.value }));
}

/** Every series of a run by the name criteria give it (`scenario.peak.p50_ms`, `redis.primary.replication_lag_s`), with its value. */
export function runSeries(loads: (LoadNumbers & { name: string })[], probes: ProbeNumber[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of loads) for (const s of LOAD_SERIES) out.set(`scenario.${l.name}.${s.metric}`, s.of(l));
  for (const p of probes) out.set(p.series, p.value);
  return out;
}
