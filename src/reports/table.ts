import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { criterionActual, formatMs, probeSummary, STATUS_WORD } from './format-values.js';
import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';
import { faultTable, healthLine, probeSections, scenarioTable, windowTable } from './sections.js';

/** No rule between rows: a 16-target run still fits one screen. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

// eslint-disable-next-line no-control-regex
const visibleLength = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** The terminal view: what a person at a shell reads, status first, the verdict last where the eye lands. */
export function render(report: Report, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<string, (s: string) => string> = { pass: c.green, fail: c.red, warn: c.yellow, skip: c.gray };
  const status = (s: string) => paint[s](STATUS_WORD[s]);
  const style = { head: opts.color ? ['cyan'] : [], border: opts.color ? ['gray'] : [] };
  const out: string[] = [];

  out.push(c.bold(`${report.platform}: production readiness`) + c.gray(`  ${report.startedAt}  ${formatMs(report.durationMs)}`));
  for (const n of report.notes) out.push(c.gray(`note: ${n}`));

  if (report.phases.length > 1) {
    out.push('', `${c.bold('Phases')}  ${report.phases.map((p) => `${p.name} ${status(p.status)}`).join(c.gray(' → '))}`);
    for (const p of report.phases.filter((p) => p.reason)) out.push(c.gray(`  ${p.name} skipped: ${p.reason}`));
  }

  const width = Math.max(80, Math.min(opts.width ?? 120, 200));
  for (const section of probeSections(report)) {
    out.push('', c.bold(`${section.title}`) + c.gray(`  ${healthLine(section.probes)}`));
    const rows = section.probes.map((p) => [
      status(p.status),
      p.required ? p.name : `${p.name} ${c.gray('(optional)')}`,
      p.kind,
      p.target,
      formatMs(p.latencyMs),
      p.status === 'fail' ? c.red(probeSummary(p)) : probeSummary(p),
    ]);
    const fixed = [6, 'Name', 'Kind', 'Target', 9].map((h, i) => (typeof h === 'number' ? h : Math.max(h.length, ...rows.map((r) => visibleLength(r[i]))) + 2));
    fixed[3] = Math.min(fixed[3], 40);
    const details = Math.max(24, width - fixed.reduce((a, b) => a + b, 0) - 7);
    const t = new Table({ head: ['', 'Name', 'Kind', 'Target', 'Time', 'Details'], style, wordWrap: true, chars: COMPACT, colWidths: [...fixed, details] });
    for (const r of rows) t.push(r);
    out.push(t.toString());
  }

  if (report.scenarios.length > 0) {
    const st = scenarioTable(report.scenarios);
    out.push('', c.bold('Load scenarios'));
    const t = new Table({ head: st.head, style, chars: COMPACT });
    st.rows.forEach((r, i) => t.push(report.scenarios[i].validity === 'VALID' ? r : r.map((x) => c.red(x))));
    out.push(t.toString());
    for (const n of st.notes) out.push(c.gray(n));
    for (const r of report.scenarios.filter((x) => x.windows?.length)) {
      const wt = windowTable(r);
      out.push('', c.bold(`${r.name}: stability over ${r.windows!.length} windows`));
      const w = new Table({ head: wt.head, style, chars: COMPACT });
      for (const row of wt.rows) w.push(row);
      out.push(w.toString());
      for (const n of wt.notes) out.push(c.gray(n));
    }
  }

  if (report.faults.length > 0) {
    const ft = faultTable(report.faults);
    out.push('', c.bold('Fault tolerance'));
    const t = new Table({ head: ft.head, style, chars: COMPACT, wordWrap: true });
    ft.rows.forEach((r) => t.push([...r.slice(0, 5), status(r[5].toLowerCase())]));
    out.push(t.toString());
    for (const n of ft.notes) out.push(c.gray(n));
  }

  out.push('', c.bold('Decision matrix'));
  const m = new Table({ head: ['Criterion', 'Requirement', 'Actual', 'Outcome', 'Grade'], style, wordWrap: true, chars: COMPACT });
  for (const cr of report.criteria) {
    const outcome = cr.status === 'pass' ? c.green(cr.outcome) : cr.status === 'warn' ? c.yellow(`${cr.outcome} (warn)`) : cr.status === 'skip' ? c.gray(cr.outcome) : c.red(cr.outcome);
    m.push([cr.name, cr.expression, criterionActual(cr), outcome, cr.grade]);
  }
  out.push(m.toString());

  const banner = report.verdict === 'GO' ? c.bgGreen.black.bold(' GO ') : c.bgRed.white.bold(' NO-GO ');
  out.push('', `${banner} ${report.recommendation}`, '');
  return out.join('\n');
}
