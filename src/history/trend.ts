import { changePoints, type ChangePoint } from './change-points.js';
import type { RunSummary } from './store.js';

/** One measurement across runs: a load result's p99 or rps, or a criterion's actual. */
export interface TrendSeries {
  /** As criteria name it: `scenario.peak.p99_ms`, or the criterion's name. */
  key: string;
  points: { runId: string; startedAt: string; value: number; notMet?: boolean; bound?: number }[];
  changePoints: (ChangePoint & { startedAt: string })[];
}

/**
 * Every series a history holds, each with its change points: a load result's p99 and rps, and each
 * criterion's actual (NOT MET runs marked), in run order. A run without the value (not measured) is left
 * out of that series, never read as 0.
 */
export function trendSeries(runs: RunSummary[]): TrendSeries[] {
  const series = new Map<string, TrendSeries['points']>();
  const add = (key: string, run: RunSummary, value: number | null, notMet?: boolean, bound?: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    if (!series.has(key)) series.set(key, []);
    series.get(key)!.push({ runId: run.id, startedAt: run.startedAt, value, ...(notMet && { notMet }), ...(bound != null && { bound }) });
  };
  for (const run of runs) {
    for (const l of run.loads) {
      add(`scenario.${l.name}.p99_ms`, run, l.p99Ms);
      add(`scenario.${l.name}.rps`, run, l.rps);
    }
    for (const c of run.criteria) add(`criterion: ${c.name}`, run, c.actual, c.outcome === 'NOT MET', c.bound);
  }
  return [...series].map(([key, points]) => ({
    key,
    points,
    changePoints: changePoints(points.map((p) => p.value)).map((c) => ({ ...c, startedAt: points[c.index].startedAt })),
  }));
}

/** The size of the latest change point of a series, in % (0 when it has none): what `trend.<series>.shift_pct` reads. */
export function latestShiftPct(s: TrendSeries): number {
  return s.changePoints.at(-1)?.shiftPct ?? 0;
}
