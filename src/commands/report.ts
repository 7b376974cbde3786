import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { readReport } from '../finish/read-report.js';
import { checkOutputs, emitReport, type OutputFlags } from '../session/output.js';

/**
 * `validate report RESULT.json --format html|junit|...`: any saved report rendered again. Exits 0 when it
 * rendered (the verdict is in the output), so a scheduler re-rendering old runs is not told they failed.
 */
export async function report(file: string, flags: OutputFlags): Promise<ExitCodeValue> {
  checkOutputs(flags);
  await emitReport(await readReport(file), { ...flags, noGithub: true });
  return ExitCode.GO;
}
