import { compareReports } from '../compare/compare.js';
import { renderComparison } from '../compare/render.js';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { readReport } from './report.js';

export interface CompareFlags {
  format: string;
  maxP99Increase: number;
  minP99Increase: number;
  maxRpsDecrease: number;
}

/** `validate compare BASELINE.json CURRENT.json`: exit 1 when the current run regressed beyond the bounds. */
export async function compare(baseline: string, current: string, flags: CompareFlags): Promise<ExitCodeValue> {
  if (!['table', 'markdown', 'json'].includes(flags.format)) throw new UsageError(`unknown format "${flags.format}" for compare; expected table, markdown or json`);
  const c = compareReports(await readReport(baseline), await readReport(current), { maxP99Increase: flags.maxP99Increase, minP99IncreaseMs: flags.minP99Increase, maxRpsDecrease: flags.maxRpsDecrease });
  process.stdout.write(renderComparison(c, flags.format as 'table' | 'markdown' | 'json'));
  return c.regressed ? ExitCode.NO_GO : ExitCode.GO;
}
