import { existsSync } from 'node:fs';
import { compareReports, nothingToCompare, type Bounds, type Comparison } from '../compare/compare.js';
import { COMPARISON_FORMATS, renderComparison, type ComparisonFormat } from '../compare/render.js';
import { OutputError, UsageError } from '../errors.js';
import { verdictExit, type ExitCodeValue } from '../exit-codes.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeReportOut } from '../util/output-guard.js';
import { WRITE_ERRORS } from '../util/write-errors.js';
import { terminalWidth, wantsColor } from '../session/output.js';
import { readReport } from '../finish/read-report.js';
import { historyBaseline, type HistoryBaselineFlags } from './compare-baseline.js';
import { note } from '../util/say.js';

export interface CompareFlags extends HistoryBaselineFlags {
  format: string;
  out?: string[];
  color?: boolean;
  /** A saved report, or `history`: the last GO runs of --history PLACE. */
  baseline?: string;
  maxP99Increase: number;
  minP99Increase: number;
  maxRpsDecrease: number;
}

const EXTENSIONS: Record<string, ComparisonFormat> = { '.md': 'markdown', '.markdown': 'markdown', '.json': 'json', '.txt': 'table' };

/** `-o FILE`: the format from the extension, or FORMAT:PATH. */
function parseCompareOut(spec: string): { format: ComparisonFormat; path: string } {
  const m = /^([a-z]+):(.+)$/.exec(spec);
  if (m && COMPARISON_FORMATS.includes(m[1] as ComparisonFormat)) return { format: m[1] as ComparisonFormat, path: m[2] };
  const ext = Object.keys(EXTENSIONS).find((e) => spec.toLowerCase().endsWith(e));
  if (!ext)
    throw new UsageError(
      `cannot tell the format of -o ${spec} from its extension (${Object.keys(EXTENSIONS).join(' ')}); or write FORMAT:PATH, e.g. markdown:${spec}`,
    );
  return { format: EXTENSIONS[ext], path: spec };
}

/** Which reports the arguments name: BASELINE CURRENT, or CURRENT with --baseline (none: the history's newest run). */
function sidesOf(reports: string[], flags: CompareFlags): { baseline?: string; current?: string } {
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

async function comparison(reports: string[], flags: CompareFlags): Promise<Comparison> {
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

/** `validate compare BASELINE.json CURRENT.json` (or `--baseline history`): exit 1 when the current run regressed beyond the bounds. */
export async function compare(reports: string[], flags: CompareFlags): Promise<ExitCodeValue> {
  if (!COMPARISON_FORMATS.includes(flags.format as ComparisonFormat))
    throw new UsageError(`unknown format "${flags.format}" for compare; expected one of: ${COMPARISON_FORMATS.join(', ')}`);
  const outs = (flags.out ?? []).map(parseCompareOut);
  const c = await comparison(reports, flags);
  const failed: string[] = [];
  for (const o of outs) {
    try {
      await writeFileAtomic(o.path, renderComparison(c, o.format, { color: false, width: 120 }));
      note(`wrote ${o.format} comparison to ${o.path}`);
    } catch (err) {
      failed.push(`${o.path}: ${WRITE_ERRORS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message}`);
    }
  }
  const format = flags.format as ComparisonFormat;
  writeReportOut(renderComparison(c, format, { color: format === 'table' && wantsColor(flags), width: terminalWidth() }));
  const verdict = c.regressed ? 'NO-GO' : c.inconclusive ? 'INCONCLUSIVE' : 'GO';
  if (failed.length) throw new OutputError(failed, verdict);
  return verdictExit(verdict);
}
