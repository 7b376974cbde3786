import { existsSync } from 'node:fs';
import { compareReports, nothingToCompare, type Bounds, type Comparison } from '../compare/compare.js';
import { UsageError } from '../errors.js';
import { readReport } from '../finish/read-report.js';
import { historyBaseline, type HistoryBaselineFlags } from './history-baseline.js';

/** What `validate compare` takes to choose its two sides and judge them. */
export interface ComparisonFlags extends HistoryBaselineFlags {
  /** A saved report, or `history`: the last GO runs of --history PLACE. */
  baseline?: string;
  maxP99Increase: number;
  minP99Increase: number;
  maxRpsDecrease: number;
}

/** Which reports the arguments name: BASELINE CURRENT, or CURRENT with --baseline (none: the history's newest run). */
function sidesOf(reports: string[], flags: ComparisonFlags): { baseline?: string; current?: string } {
  const history = flags.baseline === 'history';
  if (!history && (flags.history || flags.last !== undefined || flags.label?.length))
    throw new UsageError('--history, --last and --label choose the runs of --baseline history; add --baseline history');
  if (flags.baseline === undefined) {
    if (reports.length !== 2)
      throw new UsageError(
        'compare needs BASELINE.json CURRENT.json, or --baseline history [CURRENT.json] (the last GO runs of a history)',
      );
    return { baseline: reports[0], current: reports[1] };
  }
  if (!history && !existsSync(flags.baseline))
    throw new UsageError(
      `--baseline ${flags.baseline}: no such file; give a saved JSON report, or --baseline history (the last GO runs of a history)`,
    );
  if (reports.length > 1 || (!history && reports.length !== 1))
    throw new UsageError(
      `with --baseline ${flags.baseline}, give the current report alone: validate compare --baseline ${flags.baseline} CURRENT.json`,
    );
  return { baseline: history ? undefined : flags.baseline, current: reports[0] };
}

/** The comparison the arguments ask for: two saved reports, or a run against the last GO runs of a history. */
export async function comparison(reports: string[], flags: ComparisonFlags): Promise<Comparison> {
  const bounds: Bounds = {
    maxP99Increase: flags.maxP99Increase,
    minP99IncreaseMs: flags.minP99Increase,
    maxRpsDecrease: flags.maxRpsDecrease,
  };
  const sides = sidesOf(reports, flags);
  if (sides.baseline !== undefined) return compareReports(await readReport(sides.baseline), await readReport(sides.current!), bounds);
  const h = await historyBaseline(sides.current, flags);
  if (!h.bases.length) return nothingToCompare(h.current, bounds, h.place, h.why!);
  const c = compareReports(h.bases, h.current, bounds);
  c.baseline = { ...c.baseline, place: h.place, ...(h.note && { note: h.note }), ...(h.outliers.length && { outliers: h.outliers }) };
  return c;
}
