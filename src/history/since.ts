import type { Report } from '../reports/model.js';
import type { SinceLastRuns } from '../results/since-last-runs.js';
import type { RunSummary } from './store.js';
import { BAND_DEVIATIONS, median, robustDeviation } from '../util/median.js';

/** A value has moved beyond BAND_DEVIATIONS of the earlier runs' spread, and at least this far (%), however quiet they were. */
const MIN_SHIFT_PCT = 2;

/** This run's values by series, named as `validate trend` names them. */
function valuesOf(report: Report): Map<string, number> {
  const v = new Map<string, number>();
  for (const s of report.scenarios) {
    v.set(`scenario.${s.name}.p99_ms`, s.latencyMs.p99);
    v.set(`scenario.${s.name}.rps`, s.rps);
  }
  for (const c of report.criteria) if (c.actual !== null) v.set(`criterion: ${c.name}`, c.actual);
  return v;
}

function earlierValues(runs: RunSummary[], key: string): number[] {
  return runs.flatMap((r) => {
    const m = /^scenario\.(.+)\.(p99_ms|rps)$/.exec(key);
    if (m) {
      const l = r.loads.find((x) => x.name === m[1]);
      return l ? [m[2] === 'rps' ? l.rps : l.p99Ms] : [];
    }
    const c = r.criteria.find((x) => `criterion: ${x.name}` === key);
    return c?.actual != null ? [c.actual] : [];
  });
}

/**
 * This run against the earlier runs of its history (oldest first): the criteria whose outcome changed
 * since the run before, and the series now outside the band the earlier runs' noise makes (median and
 * median absolute deviation: one wild night does not widen it). A series needs five earlier values to
 * have a band at all.
 */
export function sinceLastRuns(report: Report, earlier: RunSummary[], place: string): SinceLastRuns {
  const previous = earlier.at(-1);
  const changed = previous
    ? report.criteria.flatMap((c) => {
        const before = previous.criteria.find((x) => x.name === c.name);
        return before && before.outcome !== c.outcome ? [{ name: c.name, from: before.outcome, to: c.outcome }] : [];
      })
    : [];
  const moved: SinceLastRuns['moved'] = [];
  for (const [series, value] of valuesOf(report)) {
    const xs = earlierValues(earlier, series);
    if (xs.length < 5) continue;
    const med = median(xs);
    const mad = robustDeviation(xs);
    const shiftPct = med === 0 ? 0 : ((value - med) / Math.abs(med)) * 100;
    if (Math.abs(value - med) > BAND_DEVIATIONS * mad && Math.abs(shiftPct) >= MIN_SHIFT_PCT)
      moved.push({ series, value, median: med, shiftPct });
  }
  return {
    place,
    runs: earlier.length,
    ...(previous && { previous: { startedAt: previous.startedAt, verdict: previous.verdict } }),
    changed,
    moved,
  };
}
