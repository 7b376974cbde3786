import type { RenderOptions } from './formats.js';
import { VERDICT_LOOK } from './format-values.js';
import type { Report } from './model.js';
import type { Block, TableBlock } from './view/blocks.js';
import { reportDocument } from './view/document.js';

const ICON: Record<string, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️', inconclusive: '❔' };

/** Escapes what would break a table cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(t: TableBlock): string {
  const head = t.columns.map((c) => c.head);
  const rows = t.rows.map((r) =>
    r.cells.map((x, i) => (t.columns[i].status && r.status ? `${ICON[r.status]} ${x}` : i === 0 && r.child ? `↳ ${x}` : x)),
  );
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join(
    '\n',
  );
}

function block(b: Block): string[] {
  switch (b.type) {
    case 'heading':
      return [`${b.level === 2 ? '##' : '###'} ${b.text}${b.aside ? ` (${b.aside})` : ''}`, ''];
    case 'table':
      return [table(b.table), ''];
    case 'notes':
      return [...b.items.map((n) => `- ${n}`), ''];
    case 'list':
      return [`**${b.title}**`, '', ...b.items.map((i) => `- ${i}`), ''];
    default:
      // Charts are the HTML report's; the same numbers are in the tables.
      return [];
  }
}

/** The reference report in markdown (also the GitHub job summary): verdict first, then every section. */
export function render(report: Report, _opts: RenderOptions): string {
  const out = [`# ${report.platform}: production readiness report`, ''];
  out.push(
    `**Verdict: ${VERDICT_LOOK[report.verdict].icon} ${report.verdict}**${report.aborted ? ' (run interrupted: partial report)' : ''}`,
    '',
    report.recommendation,
    '',
  );
  for (const b of reportDocument(report)) out.push(...block(b));
  return out.join('\n');
}
