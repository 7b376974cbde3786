import type { MeasuredItem } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { LOAD_SERIES, loadNumbers, trendSeriesOf } from '../results/trend-metrics.js';
import { changePoints } from './change-points.js';
import type { RunSummary } from './store.js';

/** A change point counts for a trend criterion when it started within this many runs of the latest. */
export const RECENT_RUNS = 10;
/** Runs a series needs before it can show a change point (three either side). */
const MIN_RUNS = 6;

/**
 * What `trend.*` criteria read: each load result's series (p50, p90, p99, max, rps, error rate) (the earlier runs of the history, then
 * this run), and the change points in its recent runs. Without a history, or with too few runs, each says
 * why it measured nothing: a criterion on it is NOT RUN, never a pass.
 */
export function trendItems(earlier: RunSummary[] | string, scenarios: ScenarioResult[]): MeasuredItem[] {
  return scenarios.flatMap((s) =>
    trendSeriesOf(s.name).map((name): MeasuredItem => {
      const base = { kind: 'trend', family: 'trend' as const, name, status: 'pass' as const, required: true, measurements: [] };
      const why = (reason: string) => ({ ...base, unmeasured: { shift_pct: reason, change_points: reason } });
      if (typeof earlier === 'string') return why(earlier);
      const series = LOAD_SERIES.find((x) => name.endsWith(`.${x.metric}`))!;
      const values = [...earlier.flatMap((r) => r.loads.filter((l) => l.name === s.name).map(series.of)), series.of(loadNumbers(s))];
      if (values.length < MIN_RUNS)
        return why(`the history has ${values.length} run(s) of ${s.name} with this one; a change point needs at least ${MIN_RUNS}`);
      const recent = changePoints(values).filter((c) => c.index >= values.length - RECENT_RUNS);
      return {
        ...base,
        measurements: [
          { metric: 'shift_pct', value: recent.at(-1)?.shiftPct ?? 0, unit: 'percent' },
          { metric: 'change_points', value: recent.length, unit: 'count' },
        ],
      };
    }),
  );
}
