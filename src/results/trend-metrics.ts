import type { MetricSpec } from './measurement.js';

/**
 * What criteria read of a series across the runs of a history (`trend.scenario.peak.p99_ms.shift_pct`):
 * the size of a change point in the last runs, and how many there are.
 */
export const TREND_METRICS: Record<string, MetricSpec> = {
  // The latest change point within the recent runs, in % of the level before it (+12: 12% higher since); 0 when none.
  shift_pct: { unit: 'percent', aggregate: 'max', label: 'shift in the last runs' },
  change_points: { unit: 'count', aggregate: 'sum', label: 'change points in the last runs' },
};

/** The series a load result has in a history, as trend members name them. */
export function trendSeriesOf(result: string): string[] {
  return [`scenario.${result}.p99_ms`, `scenario.${result}.rps`];
}
