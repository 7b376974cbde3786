import { fitTable, type Column } from '../reports/fit-table.js';
import { outlierRuns } from './outlier-runs.js';
import type { RunSummary } from './store.js';
import { changeText, type TrendSeries } from './trend.js';

export type HistoryFormat = 'table' | 'markdown' | 'json';
export const HISTORY_FORMATS: HistoryFormat[] = ['table', 'markdown', 'json'];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const COLUMNS: Column[] = [
  { head: 'When (UTC)' },
  { head: 'Verdict' },
  { head: 'Blockers', wrap: true, drop: 3 },
  { head: 'Worst p99', wrap: true, drop: 2 },
  { head: 'Labels', wrap: true, drop: 1 },
];

/** The load result with the highest p99: the headline number of a run. */
function worst(r: RunSummary): string {
  if (!r.loads.length) return '';
  const w = r.loads.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
  return `${w.p99Ms < 10 ? w.p99Ms.toFixed(2) : w.p99Ms.toFixed(1)} ms ${w.name}`;
}

function cells(r: RunSummary, outliers: string[] = []): string[] {
  const first = r.blockers[0] ?? '';
  const clipped = first.length > 70 ? `${first.slice(0, 69)}…` : first;
  const blockers = r.blockers.length > 1 ? `${clipped} (+${r.blockers.length - 1} more)` : clipped;
  const labels = Object.entries(r.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  // An outlier night says so beside its headline number: the reader sees why it stands out, and that the trend set it aside.
  return [r.startedAt.slice(0, 16).replace('T', ' '), r.verdict, blockers, [worst(r), ...outliers].filter(Boolean).join('; '), labels];
}

/** One row per run, oldest first: when, the verdict, what blocked it, its headline number, its labels. */
export function renderHistory(runs: RunSummary[], format: HistoryFormat, width = 80): string {
  const outliers = outlierRuns(runs);
  if (format === 'json')
    return `${JSON.stringify(
      runs.map((r) => ({ ...r, ...(outliers.has(r.id) && { outliers: outliers.get(r.id) }) })),
      null,
      2,
    )}\n`;
  const rows = runs.map((r) => cells(r, outliers.get(r.id)));
  if (format === 'markdown') {
    const head = `| ${COLUMNS.map((c) => c.head).join(' | ')} |\n|${COLUMNS.map(() => '---').join('|')}|\n`;
    return head + rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n') + '\n';
  }
  if (!runs.length) return 'no runs in this history yet\n';
  const go = runs.filter((r) => r.verdict === 'GO').length;
  const odd = outliers.size ? `, ${outliers.size} outlier night(s) (set aside by trend and compare --baseline history)` : '';
  return `${fitTable(COLUMNS, rows, width, { head: [], border: [] })}\n${runs.length} run(s), ${go} GO${odd}\n`;
}

/**
 * The trend of each series: its runs, its latest value, and its latest change point (when, and how big).
 * The series that moved are listed; the steady ones (every load percentile, every probe number of a large
 * platform: a hundred rows or more) only with `all`, else counted in one line. JSON always holds every one.
 */
export function renderTrend(series: TrendSeries[], format: HistoryFormat, width = 80, all = false): string {
  if (format === 'json') return `${JSON.stringify(series, null, 2)}\n`;
  const shown = all ? series : series.filter((s) => s.changePoints.length);
  const folded = series.length - shown.length;
  const foldedLine = folded ? `${folded} steady series (no change point) not listed: --all lists them\n` : '';
  const rows = shown.map((s) => {
    const last = s.points.at(-1)!;
    const cp = s.changePoints.at(-1);
    return [
      s.key,
      String(s.points.length),
      `${Number(last.value.toPrecision(4))}${last.notMet ? ' (NOT MET)' : ''}`,
      cp
        ? changeText(
            cp,
            s.points.map((p) => p.startedAt),
          )
        : 'none',
    ];
  });
  const columns: Column[] = [
    { head: 'Series', wrap: true },
    { head: 'Runs', drop: 1 },
    { head: 'Latest' },
    { head: 'Latest change point', wrap: true },
  ];
  if (!series.length) return 'no runs in this history yet\n';
  if (format === 'markdown') {
    const table = rows.length
      ? `| ${columns.map((c) => c.head).join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n')}\n`
      : '';
    return table + (folded ? `\n${foldedLine}` : '');
  }
  const shifted = series.filter((s) => s.changePoints.length).length;
  const table = rows.length ? `${fitTable(columns, rows, width, { head: [], border: [] })}\n` : '';
  return `${table}${series.length} series, ${shifted} with a change point\n${foldedLine}`;
}
