import { appendFile } from 'node:fs/promises';
import type { Report } from '../reports/model.js';
import { renderReport } from '../reports/formats.js';
import { WRITE_ERRORS } from '../util/write-errors.js';

/**
 * In GitHub Actions: the markdown report appended to the job summary (GITHUB_STEP_SUMMARY), and an
 * ::error:: annotation per failed critical criterion. Workflow commands are read from stdout, so they go
 * there unless stdout carries a machine format; then stderr, which keeps a piped JSON clean.
 */
export async function toGithub(report: Report, stdoutIsMachineFormat: boolean, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) {
    // The summary is the runner's page, not the run's result: a path that cannot take it is said, and the verdict stands.
    await appendFile(env.GITHUB_STEP_SUMMARY, `${await renderReport(report, 'markdown', { color: false })}\n`).catch((err: NodeJS.ErrnoException) =>
      process.stderr.write(`validate: cannot append the job summary to GITHUB_STEP_SUMMARY (${env.GITHUB_STEP_SUMMARY}): ${WRITE_ERRORS[err.code ?? ''] ?? err.message}\n`),
    );
  }
  if (env.GITHUB_ACTIONS !== 'true') return;
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = report.criteria
    .filter((c) => c.status === 'fail')
    .map((c) => `::error title=${prop(`validate NO-GO: ${c.name}`)}::${data(`${c.expression} NOT MET (actual ${c.actual ?? c.reason ?? 'n/a'})`)}`);
  if (lines.length) (stdoutIsMachineFormat ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
}
