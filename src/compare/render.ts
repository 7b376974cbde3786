import { Chalk } from 'chalk';
import { fitTable, type Column } from '../reports/fit-table.js';
import { wrap } from '../util/words.js';
import { formatMs } from '../reports/format-values.js';
import type { Comparison } from './compare.js';
import { band } from './judge-load.js';

export type ComparisonFormat = 'table' | 'markdown' | 'json';
export const COMPARISON_FORMATS: ComparisonFormat[] = ['table', 'markdown', 'json'];

const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(1)}%` : 'new');

function significance(s: Comparison['scenarios'][number]): string {
  if (s.p99Level) {
    const l = s.p99Level;
    const beyond = s.p99[1] > band(l)[1];
    return `p99 ${beyond ? 'beyond' : 'within'} the ${l.runs} runs' spread (median ${formatMs(l.median)} +- ${formatMs(band(l)[1] - l.median)})`;
  }
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

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** Which runs were compared: one saved report with another, or the last runs of a history with the current one. */
function title(c: Comparison): string {
  const b = c.baseline;
  const cur = `${b.runs ? when(c.current.startedAt) : c.current.startedAt} (${c.current.verdict})`;
  if (b.runs === 0) return `Comparison: no baseline -> ${cur}`;
  if (!b.runs) return `Comparison: ${b.startedAt} (${b.verdict}) -> ${cur}`;
  return `Comparison: the last ${b.runs} ${b.verdict} runs${b.place ? ` of ${b.place}` : ''} (${when(b.from ?? b.startedAt)} to ${when(b.startedAt)}) -> ${cur}`;
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
  // Sentences fit the terminal as the tables do: wrapped at word boundaries, never cut by the terminal mid-word.
  const prose = (text: string, paint: (t: string) => string = (t) => t) => (md ? text : wrap(text, width).map(paint).join('\n'));
  const out = [md ? `# ${title(c)}` : prose(title(c), (t) => ch.bold(t)), ''];
  if (c.baseline.note) out.push(prose(c.baseline.note), '');
  if (c.scenarios.length) out.push(show(scenarioGrid(c)), '');
  if (c.baseline.runs === 0)
    return [...out, prose('INCONCLUSIVE: there was nothing to compare with.', (t) => ch.magenta(t)), ''].join('\n');
  if (c.changes.length) out.push(show(changeGrid(c)), '');
  else out.push(prose('No verdict, probe, criterion or fault changed status, and none is new.'), '');
  const noise = (c.baseline.runs ?? 1) > 1 ? "beyond the baseline runs' spread" : 'beyond its confidence interval';
  const bounds = `p99 +${c.bounds.maxP99Increase}% and +${c.bounds.minP99IncreaseMs} ms ${noise}, rps -${c.bounds.maxRpsDecrease}%, any pass -> fail, anything new failing`;
  if (c.regressed)
    out.push(
      prose(`REGRESSED beyond the bounds (${bounds}).`, (t) => ch.red(t)),
      '',
    );
  else if (c.inconclusive)
    out.push(
      prose(
        `INCONCLUSIVE: no regression among what could be compared, but the current run could not vouch for everything (${bounds}).`,
        (t) => ch.magenta(t),
      ),
      '',
    );
  else
    out.push(
      prose(`No regression beyond the bounds (${bounds}).`, (t) => ch.green(t)),
      '',
    );
  return out.join('\n');
}
