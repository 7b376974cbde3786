import { COMPARISON_FORMATS, renderComparison, type ComparisonFormat } from '../compare/render.js';
import { OutputError, UsageError } from '../errors.js';
import { verdictExit, type ExitCodeValue } from '../exit-codes.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeReportOut } from '../util/output-guard.js';
import { WRITE_ERRORS } from '../util/write-errors.js';
import { terminalWidth, wantsColor } from '../session/output.js';
import { comparison, type ComparisonFlags } from '../session/comparison.js';
import { note } from '../util/say.js';

export interface CompareFlags extends ComparisonFlags {
  format: string;
  out?: string[];
  color?: boolean;
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
