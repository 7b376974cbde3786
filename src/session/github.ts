import { appendFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Report } from '../reports/model.js';
import { renderReport } from '../reports/formats.js';
import { criterionActual } from '../reports/format-values.js';
import type { CriterionResult } from '../results/criterion-result.js';
import { WRITE_ERRORS } from '../util/write-errors.js';

/**
 * In GitHub Actions: the markdown report appended to the job summary (GITHUB_STEP_SUMMARY), and an
 * ::error:: annotation per failed critical criterion. Workflow commands are read from stdout, so they go
 * there unless stdout carries a machine format; then stderr, which keeps a piped JSON clean.
 */
export async function toGithub(report: Report, stdoutIsMachineFormat: boolean, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) {
    // The summary is the runner's page, not the run's result: a path that cannot take it is said, and the verdict stands.
    await appendFile(env.GITHUB_STEP_SUMMARY, `${await renderReport(report, 'markdown', { color: false })}\n`).catch(
      (err: NodeJS.ErrnoException) =>
        process.stderr.write(
          `validate: cannot append the job summary to GITHUB_STEP_SUMMARY (${env.GITHUB_STEP_SUMMARY}): ${WRITE_ERRORS[err.code ?? ''] ?? err.message}\n`,
        ),
    );
  }
  if (env.GITHUB_ACTIONS !== 'true') return;
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const lines = report.criteria
    .filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'inconclusive')
    .map((c) => annotation(c, workspace));
  if (lines.length) (stdoutIsMachineFormat ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
}

const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `::error file=validate.yaml,line=42,title=...::engine.latency_ms < 100ms NOT MET (actual 183 ms)`: on the
 * criterion's line of the config (GitHub shows it in the diff), its actual value as the reports round it.
 */
export function annotation(c: CriterionResult, workspace: string): string {
  // GitHub places an annotation by its path from the repository root; a config read from stdin has none.
  const file = c.location && c.location.file !== 'stdin' ? relative(workspace, resolve(c.location.file)) : undefined;
  const where = file && !file.startsWith('..') ? `file=${prop(file)}${c.location!.line ? `,line=${c.location!.line}` : ''},` : '';
  const level = c.status === 'fail' ? 'error' : 'warning';
  const title = `${c.status === 'fail' ? 'validate NO-GO' : c.status === 'inconclusive' ? 'validate INCONCLUSIVE' : 'validate warning'}: ${c.name}`;
  return `::${level} ${where}title=${prop(title)}::${data(`${c.expression} ${c.outcome} (actual ${criterionActual(c)})`)}`;
}
