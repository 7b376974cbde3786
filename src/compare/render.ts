import { Chalk } from 'chalk';
import { fitTable, type Column } from '../reports/fit-table.js';
import { formatMs } from '../reports/format-values.js';
import type { Comparison } from './compare.js';

export type ComparisonFormat = 'table' | 'markdown' | 'json';
export const COMPARISON_FORMATS: ComparisonFormat[] = ['table', 'markdown', 'json'];

const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(1)}%` : 'new');

function significance(s: Comparison['scenarios'][number]): string {
  if (!s.p99Intervals) return 'no histograms';
  const [a, b] = s.p99Intervals;
  const range = (i: typeof a) => `${formatMs(i.low)}..${formatMs(i.high)}`;
  return `${s.p99Differs ? 'p99 changed' : 'p99 within noise'} (99% intervals ${range(a)} -> ${range(b)}; shape moved ${((s.shapeDistance ?? 0) * 100).toFixed(0)}%)`;
}

interface Grid {
  columns: Column[];
  rows: string[][];
  /** Rows that are regressions, for colour. */
  bad: boolean[];
}

function scenarioGrid(c: Comparison): Grid {
  const columns: Column[] = [
    { head: 'Scenario', wrap: true },
    { head: 'p50', drop: 2, wrap: true },
    { head: 'p99', wrap: true },
    { head: 'p99 change' },
    { head: 'RPS', drop: 3 },
    { head: 'RPS change' },
    { head: 'Latency difference', wrap: true, drop: 1 },
    { head: 'Result', wrap: true },
  ];
  const rows = c.scenarios.map((s) => [
    s.name,
    `${formatMs(s.p50[0])} -> ${formatMs(s.p50[1])}`,
    `${formatMs(s.p99[0])} -> ${formatMs(s.p99[1])}`,
    signed(s.p99ChangePct),
    `${s.rps[0].toFixed(0)} -> ${s.rps[1].toFixed(0)}`,
    signed(s.rpsChangePct),
    s.notCompared ? 'not compared' : significance(s),
    s.notCompared ? `NOT COMPARED: ${s.notCompared}` : s.regression ? `REGRESSION: ${s.why.join('; ')}` : 'ok',
  ]);
  return { columns, rows, bad: c.scenarios.map((s) => s.regression) };
}

function changeGrid(c: Comparison): Grid {
  const columns: Column[] = [{ head: 'Changed' }, { head: 'Name', wrap: true }, { head: 'Before' }, { head: 'After' }, { head: 'Result' }];
  return {
    columns,
    rows: c.changes.map((ch) => [ch.what, ch.name, ch.before, ch.after, ch.regression ? 'REGRESSION' : '']),
    bad: c.changes.map((ch) => ch.regression),
  };
}

function markdownTable(g: Grid): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${g.columns.map((x) => x.head).join(' | ')} |`,
    `|${g.columns.map(() => '---').join('|')}|`,
    ...g.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export interface ComparisonRenderOptions {
  color: boolean;
  width?: number;
}

/** The comparison as JSON, markdown tables, or a terminal table sized to the terminal. */
export function renderComparison(c: Comparison, format: ComparisonFormat, opts: ComparisonRenderOptions = { color: false }): string {
  if (format === 'json') return `${JSON.stringify(c, null, 2)}\n`;
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const md = format === 'markdown';
  const width = Math.max(60, opts.width ?? 100);
  const style = { head: opts.color ? ['cyan'] : [], border: opts.color ? ['gray'] : [] };
  const show = (g: Grid) =>
    md
      ? markdownTable(g)
      : fitTable(
          g.columns,
          g.rows.map((r, i) => (g.bad[i] ? r.map((x) => ch.red(x)) : r)),
          width,
          style,
        );
  const title = `Comparison: ${c.baseline.startedAt} (${c.baseline.verdict}) -> ${c.current.startedAt} (${c.current.verdict})`;
  const out = [md ? `# ${title}` : ch.bold(title), ''];
  if (c.scenarios.length) out.push(show(scenarioGrid(c)), '');
  if (c.changes.length) out.push(show(changeGrid(c)), '');
  else out.push('No verdict, probe, criterion or fault changed status, and none is new.', '');
  const bounds = `p99 +${c.bounds.maxP99Increase}% and +${c.bounds.minP99IncreaseMs} ms beyond its confidence interval, rps -${c.bounds.maxRpsDecrease}%, any pass -> fail, anything new failing`;
  if (c.regressed) out.push(ch.red(`REGRESSED beyond the bounds (${bounds}).`), '');
  else if (c.inconclusive)
    out.push(
      ch.magenta(
        `INCONCLUSIVE: no regression among what could be compared, but the current run could not vouch for everything (${bounds}).`,
      ),
      '',
    );
  else out.push(ch.green(`No regression beyond the bounds (${bounds}).`), '');
  return out.join('\n');
}
