import { criterionActual, formatMs, probeSummary, STATUS_WORD } from './format-values.js';
import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';
import { faultTable, healthLine, probeSections, scenarioTable, windowTable } from './sections.js';

const ICON: Record<string, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️' };

/** Escapes what would break a table cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** The reference report's sections: executive summary, infrastructure, engines, decision matrix, recommendation. */
export function render(report: Report, _opts: RenderOptions): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(`# ${report.platform}: production readiness report`, '');
  out.push(`**Verdict: ${report.verdict === 'GO' ? '✅ GO' : '❌ NO-GO'}**${report.aborted ? ' (run interrupted: partial report)' : ''}`, '');
  out.push('## Executive summary', '');
  out.push(`- Run: ${report.startedAt} (${formatMs(report.durationMs)}), config \`${report.source}\``);
  out.push(`- Probes: ${s.probes.total} (${s.probes.pass} pass, ${s.probes.warn} warn, ${s.probes.fail} fail, ${s.probes.skip} skipped)`);
  out.push(`- Criteria: ${s.criteria.met}/${s.criteria.total} met${s.criteria.warnings ? `, ${s.criteria.warnings} warning(s)` : ''}`);
  if (s.requiredFailing.length) out.push(`- Required targets failing: ${s.requiredFailing.join(', ')}`);
  if (s.optionalFailing.length) out.push(`- Optional targets failing: ${s.optionalFailing.join(', ')}`);
  for (const n of report.notes) out.push(`- Note: ${n}`);
  out.push('');

  if (report.phases.length > 1) {
    out.push('## Phases', '');
    out.push(table(['Phase', 'Status', 'Notes'], report.phases.map((p) => [p.name, `${ICON[p.status]} ${STATUS_WORD[p.status]}`, p.reason ?? p.description ?? ''])), '');
  }

  for (const section of probeSections(report)) {
    out.push(`## ${section.title} (${healthLine(section.probes)})`, '');
    out.push(
      table(
        ['Service', 'Kind', 'Status', 'Response time', 'Details'],
        section.probes.map((p) => [
          `${p.name}${p.required ? '' : ' (optional)'}`,
          p.kind,
          `${ICON[p.status]} ${STATUS_WORD[p.status]}`,
          formatMs(p.latencyMs),
          probeSummary(p),
        ]),
      ),
      '',
    );
  }

  if (report.scenarios.length > 0) {
    const st = scenarioTable(report.scenarios);
    out.push('## Load scenarios', '', table(st.head, st.rows), '');
    for (const n of st.notes) out.push(`- ${n}`);
    if (st.notes.length) out.push('');
    for (const r of report.scenarios.filter((x) => x.windows?.length)) {
      const wt = windowTable(r);
      out.push(`### ${r.name}: stability over ${r.windows!.length} windows`, '', table(wt.head, wt.rows), '');
      for (const n of wt.notes) out.push(`- ${n}`);
      out.push('');
    }
  }

  if (report.faults.length > 0) {
    const ft = faultTable(report.faults);
    out.push('## Fault tolerance', '', table(ft.head, ft.rows), '');
    for (const n of ft.notes) out.push(`- ${n}`);
    if (ft.notes.length) out.push('');
  }

  out.push('## Decision matrix', '');
  out.push(
    table(
      ['Criterion', 'Requirement', 'Actual', 'Status', 'Grade', 'Severity'],
      report.criteria.map((c) => [c.name, `\`${c.expression}\``, criterionActual(c), `${ICON[c.status]} ${c.outcome}`, c.grade, c.severity]),
    ),
    '',
  );
  const notes = report.criteria.filter((c) => c.status !== 'pass' && c.reason && c.actual !== null);
  for (const c of notes) out.push(`- ${c.name}: ${c.reason}`);
  if (notes.length) out.push('');

  out.push('## Recommendation', '', report.recommendation, '');
  return out.join('\n');
}
