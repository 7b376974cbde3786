import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { criterionActual, formatMs, probeSummary, STATUS_WORD } from './format-values.js';
import type { Report } from './model.js';
import type { RenderOptions } from './registry.js';
import { healthLine, probeSections } from './sections.js';

/** The terminal view: what a person at a shell reads, status first, the verdict last where the eye lands. */
export function render(report: Report, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<string, (s: string) => string> = { pass: c.green, fail: c.red, warn: c.yellow, skip: c.gray };
  const status = (s: string) => paint[s](STATUS_WORD[s]);
  const style = { head: opts.color ? ['cyan'] : [], border: opts.color ? ['gray'] : [] };
  const out: string[] = [];

  out.push(c.bold(`${report.platform}: production readiness`) + c.gray(`  ${report.startedAt}  ${formatMs(report.durationMs)}`));
  for (const n of report.notes) out.push(c.gray(`note: ${n}`));

  const multiPhase = report.phases.length > 1;
  for (const section of probeSections(report)) {
    out.push('', c.bold(`${section.title}`) + c.gray(`  ${healthLine(section.probes)}`));
    const head = ['Status', 'Name', ...(multiPhase ? ['Phase'] : []), 'Kind', 'Target', 'Time', 'Details'];
    const t = new Table({ head, style, wordWrap: true, colWidths: [8, null, ...(multiPhase ? [null] : []), null, null, 10, 60] as (number | null)[] });
    for (const p of section.probes) {
      t.push([
        status(p.status),
        p.required ? p.name : `${p.name} ${c.gray('(optional)')}`,
        ...(multiPhase ? [p.phase] : []),
        p.kind,
        p.target,
        formatMs(p.latencyMs),
        p.status === 'fail' ? c.red(probeSummary(p)) : probeSummary(p),
      ]);
    }
    out.push(t.toString());
  }

  const skippedPhases = report.phases.filter((p) => p.status === 'skip');
  for (const p of skippedPhases) out.push(c.gray(`phase ${p.name} skipped: ${p.reason}`));

  out.push('', c.bold('Decision matrix'));
  const m = new Table({ head: ['Criterion', 'Requirement', 'Actual', 'Outcome', 'Grade'], style, wordWrap: true, colWidths: [30, 36, 30, 12, 7] });
  for (const cr of report.criteria) {
    const outcome = cr.status === 'pass' ? c.green(cr.outcome) : cr.status === 'warn' ? c.yellow(`${cr.outcome} (warn)`) : c.red(cr.outcome);
    m.push([cr.name, cr.expression, criterionActual(cr), outcome, cr.grade]);
  }
  out.push(m.toString());

  const banner = report.verdict === 'GO' ? c.bgGreen.black.bold(' GO ') : c.bgRed.white.bold(' NO-GO ');
  out.push('', `${banner} ${report.recommendation}`, '');
  return out.join('\n');
}
