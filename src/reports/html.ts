import { escapeXml as esc } from './escape.js';
import { formatMs, VERDICT_LOOK } from './format-values.js';
import type { RenderOptions } from './formats.js';
import type { Report } from './model.js';
import { lineChart } from './svg-charts.js';
import type { Block, TableBlock } from './view/blocks.js';
import { reportDocument } from './view/document.js';

const ROW_CLASS: Record<string, string> = { pass: 'ok', fail: 'bad', warn: 'warn', skip: 'skip', inconclusive: 'unsure' };

function table(t: TableBlock): string {
  const head = t.columns.map((c) => `<th>${esc(c.head)}</th>`).join('');
  const rows = t.rows.map(
    (r) =>
      `<tr class="${[r.status ? ROW_CLASS[r.status] : '', r.child ? 'child' : ''].join(' ').trim()}">${r.cells.map((c, i) => `<td${t.columns[i].wrap ? '' : ' class="nw"'}>${esc(c)}</td>`).join('')}</tr>`,
  );
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `<h${b.level}>${esc(b.text)}${b.aside ? ` <small>${esc(b.aside)}</small>` : ''}</h${b.level}>`;
    case 'table':
      return table(b.table);
    case 'notes':
      return b.items.map((n) => `<p class="note">${esc(n)}</p>`).join('');
    case 'list':
      return `<p class="list-title">${esc(b.title)}</p><ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'chart':
      return lineChart(b.chart);
    case 'charts':
      return `<div class="pair">${b.charts.map(lineChart).join('')}</div>`;
  }
}

/** One self-contained page a manager can open: the verdict, then the reference report's sections with charts. */
export function render(report: Report, _opts: RenderOptions): string {
  const header = `<header class="${VERDICT_LOOK[report.verdict].tone}"><h1>${esc(report.platform)}: ${esc(report.verdict)}</h1><p>${esc(report.recommendation)}</p><p class="meta">${esc(report.startedAt)} · ${formatMs(report.durationMs)} · ${esc(report.source)}${report.aborted ? ' · run interrupted: partial report' : ''}</p></header>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.platform)}: ${report.verdict}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#111}
header{padding:16px 20px;border-radius:8px;color:#fff}header.good{background:#15803d}header.bad{background:#b91c1c}header.unsure{background:#6d28d9}
header h1{margin:0 0 6px}header p{margin:4px 0}.meta{opacity:.85;font-size:12px}
h2{margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h2 small,h3 small{font-weight:normal;color:#666;font-size:13px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}td.nw{white-space:nowrap}
tr.ok td:first-child{border-left:4px solid #16a34a}tr.bad{background:#fef2f2}tr.bad td:first-child{border-left:4px solid #dc2626}
tr.warn{background:#fffbeb}tr.warn td:first-child{border-left:4px solid #d97706}tr.unsure{background:#f5f3ff}tr.unsure td:first-child{border-left:4px solid #7c3aed}tr.skip{color:#6b7280}tr.child td:first-child{padding-left:24px}
.note{color:#374151;font-size:12px;margin:4px 0}.list-title{font-weight:600;margin:10px 0 2px}
.chart{width:100%;max-width:760px;height:auto;background:#fafafa;border:1px solid #eee;border-radius:6px;margin:8px 0}
figure{margin:0}figcaption{font-size:12px;color:#6b7280}
.pair{display:flex;gap:12px;flex-wrap:wrap}.pair>*{flex:1 1 360px;min-width:0}
.chart .grid{stroke:#e5e7eb}.chart .axis{stroke:#9ca3af}.chart .tick{font-size:11px;fill:#4b5563}.chart .legend{font-size:11px;font-weight:600}
.chart .title{font-size:13px;font-weight:600;text-anchor:middle}.chart .label{font-size:11px;fill:#6b7280;text-anchor:middle}
</style></head><body>
${header}
${reportDocument(report).map(block).join('\n')}
</body></html>
`;
}
