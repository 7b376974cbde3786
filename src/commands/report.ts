import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { SCHEMA_VERSION, type Report } from '../reports/model.js';
import { checkOutputs, emitReport, type OutputFlags } from './output.js';
import { addHeadlines, addSections } from '../run/headlines.js';

/** Reads a saved JSON report, checking it is one this version can render. */
export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  let report: Report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message}); pass a report written with --format json or --out FILE.json`);
  }
  if (!report || typeof report !== 'object' || !('schemaVersion' in report)) throw new UsageError(`${file}: not a validate report (no schemaVersion)`);
  if (report.schemaVersion !== SCHEMA_VERSION) throw new UsageError(`${file}: report schemaVersion ${report.schemaVersion}; this validate reads version ${SCHEMA_VERSION}`);
  // Fields added after a report was written render as empty sections.
  report.scenarios ??= [];
  report.faults ??= [];
  report.notes ??= [];
  report.blockers ??= [];
  report.inconclusive ??= [];
  report.summary.criteria.inconclusive ??= 0;
  report.followUps ??= [];
  addHeadlines(report.probes ?? []);
  addSections(report.scenarios);
  return report;
}

/**
 * `validate report RESULT.json --format html|junit|...`: any saved report rendered again. Exits 0 when it
 * rendered (the verdict is in the output), so a scheduler re-rendering old runs is not told they failed.
 */
export async function report(file: string, flags: OutputFlags): Promise<ExitCodeValue> {
  checkOutputs(flags);
  await emitReport(await readReport(file), { ...flags, noGithub: true });
  return ExitCode.GO;
}
