import { Chalk, type ChalkInstance } from 'chalk';
import { fitTable } from './fit-table.js';
import { wrap } from '../util/words.js';
import { formatMs } from './format-values.js';
import type { RenderOptions } from './formats.js';
import type { Report } from './model.js';
import type { Block, TableBlock } from './view/blocks.js';
import { renderSummary, verdictLine } from './terminal-summary.js';
import { reportDocument } from './view/document.js';

/** Without a terminal to ask (a pipe, a file), the width a CI log shows comfortably. */
const DEFAULT_WIDTH = 120;

/** The terminal view: the summary (terminal-summary.ts), or with --detail every table. */
export function render(report: Report, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = Math.max(40, Math.min(opts.width ?? DEFAULT_WIDTH, 240));
  return opts.detail ? renderDetail(report, opts, c, width) : renderSummary(report, opts, c, width);
}

/**
 * Every section as tables sized to the terminal (80 columns stay readable: cells wrap, then the least
 * important columns go, and the table says which), the verdict last, where the eye lands. Charts are the
 * HTML report's; the numbers behind them are in these tables.
 */
function renderDetail(report: Report, opts: RenderOptions, c: ChalkInstance, width: number): string {
  const verdict = verdictLine(report, c);
  // The title and the run's facts each wrapped to the width, the facts on their own line (a duration never split from its unit).
  const out: string[] = [
    verdict,
    ...wrap(`${report.platform}: production readiness`, width).map((l) => c.bold(l)),
    c.gray(`${report.startedAt} · ${formatMs(report.durationMs)}`),
  ];
  let charts = 0;
  for (const b of reportDocument(report)) {
    if (b.type === 'chart' || b.type === 'charts') charts += b.type === 'chart' ? 1 : b.charts.length;
    else if (b.type === 'graph')
      charts += 1; // its edges are the table above it
    else out.push(...block(b, c, width));
  }
  const where = opts.htmlPath ? `the HTML report, ${opts.htmlPath}` : 'the HTML report: --out report.html';
  if (charts)
    out.push('', c.gray(wrap(`${charts} charts (latency and throughput over time, percentiles) are in ${where}`, width).join('\n')));
  out.push('', verdict, '');
  return out.join('\n');
}

function block(b: Exclude<Block, { type: 'chart' | 'charts' | 'graph' }>, c: ChalkInstance, width: number): string[] {
  switch (b.type) {
    case 'heading':
      return ['', c.bold(b.text) + (b.aside ? c.gray(`  ${b.aside}`) : '')];
    case 'table':
      return [tableText(b.table, c, width)];
    case 'notes':
      return b.items.flatMap((n) => wrap(n, width).map((l) => c.gray(l)));
    case 'list':
      return [c.bold(b.title), ...b.items.flatMap((i) => wrap(i, width - 2).map((l, k) => `${k ? '  ' : '- '}${l}`))];
  }
}

function tableText(t: TableBlock, c: ChalkInstance, width: number): string {
  const paint: Record<string, (s: string) => string> = {
    pass: c.green,
    fail: c.red,
    warn: c.yellow,
    skip: c.gray,
    inconclusive: c.magenta,
  };
  const rows = t.rows.map((r) =>
    r.cells.map((cell, i) => {
      const text = i === 0 && r.child ? `↳ ${cell}` : cell;
      return t.columns[i].status && r.status ? paint[r.status](text) : text;
    }),
  );
  return fitTable(t.columns, rows, width, { head: c.level ? ['cyan'] : [], border: c.level ? ['gray'] : [] });
}
