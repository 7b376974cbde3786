import { escapeXml as esc } from './escape.js';
import { formatMs, VERDICT_LOOK } from './format-values.js';
import type { RenderOptions } from './formats.js';
import type { Report } from './model.js';
import { lineChart } from './svg-charts.js';
import { dependencyGraph } from './svg-graph.js';
import type { Block, TableBlock } from './view/blocks.js';
import { reportDocument } from './view/document.js';
import { findings } from './view/findings.js';

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
      // One above the other, each at its full size: side by side, their labels would shrink below legibility.
      return b.charts.map(lineChart).join('');
    case 'graph':
      return dependencyGraph(b.graph);
  }
}

/** Sections shown open: what a go-live meeting reads first (the summary, the checklist, the matrix). Every other section is folded, one click away. */
const OPEN = ['Executive summary', 'Go-live checklist', 'Decision matrix'];

/**
 * One self-contained page for the go-live meeting: the verdict, what blocks it (each with its fact), the
 * executive summary and the decision matrix on the first screen; every other section folded under its
 * title. Printing unfolds them all (print to PDF gives the whole document), with CSS alone: the page runs no script.
 */
export function render(report: Report, _opts: RenderOptions): string {
  const header = `<header class="${VERDICT_LOOK[report.verdict].tone}"><h1>${esc(report.platform)}: ${esc(report.verdict)}</h1><p>${esc(report.recommendation)}</p><p class="meta">${esc(report.startedAt)} · ${formatMs(report.durationMs)} · ${esc(report.source)}${report.aborted ? ' · run interrupted: partial report' : ''}</p></header>`;
  const sections = bySection(reportDocument(report));
  const first = OPEN.flatMap((t) => sections.filter((x) => x.title === t));
  const rest = sections.filter((x) => !first.includes(x));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.platform)}: ${report.verdict}</title>
<style>${CSS}</style>
</head><body>
${header}
${findingsBlock(report)}
${[...first, ...rest].map(sectionHtml).join('\n')}
</body></html>
`;
}

interface Section {
  title: string;
  head?: Extract<Block, { type: 'heading' }>;
  blocks: Block[];
}

/** The document cut at its level-2 headings. */
function bySection(blocks: Block[]): Section[] {
  const out: Section[] = [];
  for (const b of blocks) {
    if (b.type === 'heading' && b.level === 2) out.push({ title: b.text, head: b, blocks: [] });
    else if (out.length) out[out.length - 1].blocks.push(b);
    else out.push({ title: '', blocks: [b] });
  }
  return out;
}

function sectionHtml(s: Section): string {
  const body = s.blocks.map(block).join('\n');
  if (!s.head) return body;
  const aside = s.head.aside ? ` <small>${esc(s.head.aside)}</small>` : '';
  if (OPEN.includes(s.title)) return `<section><h2>${esc(s.title)}${aside}</h2>${body}</section>`;
  return `<details><summary><h2>${esc(s.title)}${aside}</h2></summary>${body}</details>`;
}

/** What stands in the way of GO, each with the fact that explains it, above everything else. */
function findingsBlock(report: Report): string {
  const found = findings(report);
  if (!found.length) return '';
  const title = report.verdict === 'NO-GO' ? 'Blockers' : 'Not judged';
  const items = found.map((f) => `<li class="${ROW_CLASS[f.status]}"><b>${esc(f.subject)}</b>: ${esc(f.fact)}</li>`).join('');
  const counted = found.filter((f) => report.verdict !== 'NO-GO' || f.status === 'fail').reduce((n, f) => n + (f.count ?? 1), 0);
  return `<section class="findings"><h2>${title} <small>${counted}</small></h2><ul>${items}</ul></section>`;
}

export const CSS = `
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#111}
header{padding:16px 20px;border-radius:8px;color:#fff}header.good{background:#15803d}header.bad{background:#b91c1c}header.unsure{background:#6d28d9}
header h1{margin:0 0 6px}header p{margin:4px 0}.meta{opacity:.9;font-size:13px}
h2{margin:24px 0 6px;font-size:20px}h2 small,h3 small{font-weight:normal;color:#555;font-size:14px}
details{border-top:1px solid #ddd}details>summary{cursor:pointer;list-style:none;padding:2px 0}details>summary::-webkit-details-marker{display:none}
details>summary h2{display:inline-block;margin:10px 0}details>summary:before{content:'▸ ';color:#666;font-size:18px}details[open]>summary:before{content:'▾ '}
.findings ul{padding-left:0;list-style:none}.findings li{padding:6px 10px;margin:4px 0;border-left:4px solid #dc2626;background:#fef2f2}
.findings li.unsure{border-color:#7c3aed;background:#f5f3ff}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}td.nw{white-space:nowrap}
tr.ok td:first-child{border-left:4px solid #16a34a}tr.bad{background:#fef2f2}tr.bad td:first-child{border-left:4px solid #dc2626}
tr.warn{background:#fffbeb}tr.warn td:first-child{border-left:4px solid #d97706}tr.unsure{background:#f5f3ff}tr.unsure td:first-child{border-left:4px solid #7c3aed}tr.skip{color:#6b7280}tr.child td:first-child{padding-left:24px}
.note{color:#374151;font-size:13px;margin:4px 0}.list-title{font-weight:600;margin:10px 0 2px}
.chart{display:block;width:100%;max-width:760px;height:auto;background:#fafafa;border:1px solid #eee;border-radius:6px;margin:8px 0}
figure{margin:0}figcaption{font-size:13px;color:#4b5563}
.chart .grid{stroke:#e5e7eb}.chart .axis{stroke:#9ca3af}.chart .tick{font-size:12px;fill:#4b5563}.chart .legend{font-size:12px;font-weight:600}
.chart .mark{stroke:#7c3aed;stroke-dasharray:4 3}.chart .marklabel{font-size:12px;fill:#7c3aed;font-weight:600}
.chart .title{font-size:14px;font-weight:600;text-anchor:middle}.chart .label{font-size:12px;fill:#4b5563;text-anchor:middle}
@media print{body{max-width:none;padding:0;font-size:11pt}details::details-content{content-visibility:visible;display:block}header,tr,.findings li{-webkit-print-color-adjust:exact;print-color-adjust:exact}
details>summary:before{content:''}section,details{break-inside:auto}h2{break-after:avoid}tr,svg,figure{break-inside:avoid}.scroll{overflow:visible}}
`;
