import { changePoints, outlierNights, type ChangePoint } from './change-points.js';
import { runSeries } from '../results/trend-metrics.js';
import type { RunSummary } from './store.js';

/** One measurement across runs: a load result's percentile, rate or error rate, a probe's number, or a criterion's actual. */
export interface TrendSeries {
  /** As criteria name it: `scenario.peak.p99_ms`, or the criterion's name. */
  key: string;
  points: { runId: string; startedAt: string; value: number; notMet?: boolean; bound?: number; labels?: Record<string, string> }[];
  changePoints: TrendChange[];
  /** Runs set aside as outlier nights (indices into points). */
  outliers: number[];
}

/** A change point of a series: when its new level began, and the run labels that came with it (a version, a commit, a deploy). */
export interface TrendChange extends ChangePoint {
  startedAt: string;
  /** Labels of the first run at the new level whose values differ from the run before it: the likely cause. */
  cameWith: Record<string, string>;
}

/**
 * Every series a history holds, each with its change points: each load result's numbers, each probe's
 * unlabelled numbers, and each criterion's actual (NOT MET runs marked), in run order. A run without the value (not measured) is left
 * out of that series, never read as 0.
 */
export function trendSeries(runs: RunSummary[]): TrendSeries[] {
  const series = new Map<string, TrendSeries['points']>();
  const add = (key: string, run: RunSummary, value: number | null, notMet?: boolean, bound?: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    if (!series.has(key)) series.set(key, []);
    series.get(key)!.push({
      runId: run.id,
      startedAt: run.startedAt,
      value,
      ...(notMet && { notMet }),
      ...(bound != null && { bound }),
      ...(Object.keys(run.labels).length && { labels: run.labels }),
    });
  };
  for (const run of runs) {
    for (const [key, value] of runSeries(run.loads, run.probes)) add(key, run, value);
    for (const c of run.criteria) add(`criterion: ${c.name}`, run, c.actual, c.outcome === 'NOT MET', c.bound);
  }
  const all = [...series].map(([key, points]): TrendSeries => {
    const values = points.map((p) => p.value);
    return {
      key,
      points,
      changePoints: changePoints(values).map((c) => ({ ...c, startedAt: points[c.index].startedAt, cameWith: cameWith(points, c.index) })),
      outliers: outlierNights(values),
    };
  });
  // The series that moved first, the latest change first: what a reader came for.
  const latest = (s: TrendSeries) => s.points[s.changePoints.at(-1)?.index ?? -1]?.startedAt ?? '';
  return [
    ...all.filter((s) => s.changePoints.length).sort((a, b) => latest(b).localeCompare(latest(a))),
    ...all.filter((s) => !s.changePoints.length),
  ];
}

/** The labels of the run at `index` whose values the run before it did not have. */
function changedAt(points: TrendSeries['points'], index: number): Record<string, string> {
  const now = points[index]?.labels ?? {};
  const before = points[index - 1]?.labels ?? {};
  return Object.fromEntries(Object.entries(now).filter(([k, v]) => before[k] !== v));
}

/**
 * What came with a new level: the labels that changed at its first run. A change point is placed within a
 * run or so of the truth on noisy nights, so when nothing changed there, the nearest run that did change
 * a label (one before, one after, two before) is the likely cause; a deploy never trails its effect by more.
 */
function cameWith(points: TrendSeries['points'], index: number): Record<string, string> {
  for (const at of [index, index - 1, index + 1, index - 2]) {
    if (at < 1 || at >= points.length) continue;
    const changed = changedAt(points, at);
    if (Object.keys(changed).length) return changed;
  }
  return {};
}

/**
 * When a run started, as a reader tells runs apart: the date when each of the runs shown has a day of its
 * own (a nightly job), the date and the minute when several share one (a CI job that runs all day).
 */
export function runTime(startedAt: string, all: string[], short = false): string {
  const day = (t: string) => t.slice(0, 10);
  const shared = new Set<string>();
  const seen = new Set<string>();
  for (const t of all) (seen.has(day(t)) ? shared : seen).add(day(t));
  const date = short ? startedAt.slice(5, 10) : day(startedAt);
  return shared.size ? `${date} ${startedAt.slice(11, 16)}` : date;
}

/** A change point as a reader reads it: `+13.7% from 2026-12-07 14:03 (git=c3)`. */
export function changeText(c: TrendChange, times: string[]): string {
  const came = Object.entries(c.cameWith).map(([k, v]) => `${k}=${v}`);
  return `${c.shiftPct > 0 ? '+' : ''}${c.shiftPct.toFixed(1)}% from ${runTime(c.startedAt, times)}${came.length ? ` (${came.join(' ')})` : ''}`;
}

/** The size of the latest change point of a series, in % (0 when it has none): what `trend.<series>.shift_pct` reads. */
export function latestShiftPct(s: TrendSeries): number {
  return s.changePoints.at(-1)?.shiftPct ?? 0;
}
