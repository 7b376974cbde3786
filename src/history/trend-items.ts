import type { MeasuredItem } from '../results/result.js';
import { loadNumbers, probeNumbers, runSeries, type CurrentNumbers } from '../results/trend-metrics.js';
import { changePoints } from './change-points.js';
import type { RunSummary } from './store.js';

/** A change point counts for a trend criterion when it started within this many runs of the latest. */
export const RECENT_RUNS = 10;
/** Runs a series needs before it can show a change point (three either side). */
const MIN_RUNS = 6;

/**
 * What `trend.*` criteria read: each series this run has (the earlier runs of the history, then this run),
 * and the change points in its recent runs. Without a history, or with too few runs, each says why it
 * measured nothing: a criterion on it is NOT RUN, never a pass. A run without the series is left out of it.
 * Only the series the criteria read (`wanted`, or every one) are searched: a search costs ~50 ms a series
 * of 90 runs, and a platform has hundreds of series.
 */
export function trendItems(earlier: RunSummary[] | string, now: CurrentNumbers, wanted: Set<string> | 'all' = 'all'): MeasuredItem[] {
  const loads = now.scenarios.map((s) => ({ name: s.name, ...loadNumbers(s) }));
  const current = [...runSeries(loads, now.probes.flatMap(probeNumbers))].filter(([name]) => wanted === 'all' || wanted.has(name));
  if (!current.length) return [];
  const before = typeof earlier === 'string' ? [] : earlier.map((r) => runSeries(r.loads, r.probes));
  return current.map(([name, value]): MeasuredItem => {
    const base = { kind: 'trend', family: 'trend' as const, name, status: 'pass' as const, required: true, measurements: [] };
    const why = (reason: string) => ({ ...base, unmeasured: { shift_pct: reason, change_points: reason } });
    if (typeof earlier === 'string') return why(earlier);
    const values = [...before.flatMap((run) => (run.has(name) ? [run.get(name)!] : [])), value];
    if (values.length < MIN_RUNS)
      return why(`the history has ${values.length} run(s) with it, this one included; a change point needs at least ${MIN_RUNS}`);
    const recent = changePoints(values).filter((c) => c.index >= values.length - RECENT_RUNS);
    return {
      ...base,
      measurements: [
        { metric: 'shift_pct', value: recent.at(-1)?.shiftPct ?? 0, unit: 'percent' },
        { metric: 'change_points', value: recent.length, unit: 'count' },
      ],
    };
  });
}
