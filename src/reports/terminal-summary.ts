import type { ChalkInstance } from 'chalk';
import type { Status } from '../results/result.js';
import { wrap } from '../util/words.js';
import { formatMs, VERDICT_LOOK } from './format-values.js';
import type { RenderOptions } from './formats.js';
import type { Report } from './model.js';
import { findings } from './view/findings.js';
import { sectionHeadlines } from './view/headlines.js';
import { criteriaSummary } from './view/summary-criteria.js';
import { loadLines, type LoadLine } from './view/summary-loads.js';

const FINDINGS_SHOWN = 8;
const MARK: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', inconclusive: '?' };

/**
 * The end-of-run summary, in the spirit of k6's: the verdict first and last, each blocker with the fact
 * that explains it, each load result's throughput, percentiles and errors, the config's own criteria by
 * name (the tool's implicit ones counted apart), the targets and faults in a line each, then where the
 * full tables are. Lines wrap between words with a hanging indent, so a name or a URL is never cut at 80 columns.
 * `blockersOnly` (-q): nothing when GO, else the verdict and what stands in its way.
 */
export function renderSummary(report: Report, opts: RenderOptions, c: ChalkInstance, width: number): string {
  const paint = painter(c);
  const found = findings(report);
  const verdict = verdictLine(report, c);
  if (opts.blockersOnly)
    return report.verdict === 'GO' && !report.aborted ? '' : [verdict, ...findingLines(found, paint, width), ''].join('\n');
  const facts = `${report.platform} · ${report.startedAt.replace('T', ' ').slice(0, 19)} UTC · ${formatMs(report.durationMs)} · config ${report.source}`;
  const out = [verdict, ...wrap(facts, width).map((l) => c.gray(l))];
  if (found.length) out.push('', c.bold(report.verdict === 'NO-GO' ? 'Blockers' : 'Not judged'), ...findingLines(found, paint, width));
  out.push(...loadTable(report, paint, c, width));
  out.push(...criteriaLines(report, paint, c, width));
  const others = sectionHeadlines(report).filter((h) => h.about === 'targets' || h.about === 'faults');
  if (others.length) out.push('');
  const sectionWidth = Math.max(...others.map((h) => h.section.length));
  for (const h of others)
    out.push(...hanging(`${paint(h.status, MARK[h.status])} ${h.section.padEnd(sectionWidth)}  `, h.text, width, sectionWidth + 4));
  const html = opts.htmlPath ? `the HTML report ${opts.htmlPath}` : 'an HTML report (--out report.html)';
  out.push('', ...wrap(`Every table and chart: --detail, or ${html}`, width).map((l) => c.gray(l)));
  out.push(verdict, '');
  return out.join('\n');
}

/** The verdict as the terminal shows it first and last: the banner, and what stands in its way, counted. */
export function verdictLine(report: Report, c: ChalkInstance): string {
  // What stands in the verdict's way: what failed on a NO-GO, what could not be judged otherwise.
  const blockers = findings(report)
    .filter((f) => report.verdict !== 'NO-GO' || f.status === 'fail')
    .reduce((n, f) => n + (f.count ?? 1), 0);
  const tone = VERDICT_LOOK[report.verdict].tone;
  const banner = (tone === 'good' ? c.bgGreen.black.bold : tone === 'bad' ? c.bgRed.white.bold : c.bgMagenta.white.bold)(
    ` ${report.verdict} `,
  );
  const why = report.aborted
    ? 'run interrupted: partial report'
    : tone === 'good'
      ? 'every critical criterion is met'
      : tone === 'bad'
        ? `${blockers} blocker${blockers === 1 ? '' : 's'}`
        : `${blockers} not judged (validate could not tell)`;
  return `${banner} ${why}`;
}

function findingLines(found: ReturnType<typeof findings>, paint: ReturnType<typeof painter>, width: number): string[] {
  const lines = found
    .slice(0, FINDINGS_SHOWN)
    .flatMap((f) => hanging(`${paint(f.status, MARK[f.status])} ${f.subject}:`, f.fact, width, 4));
  const more = found.length - FINDINGS_SHOWN;
  return more > 0 ? [...lines, `  and ${more} more: --detail, or the .md/.html report`] : lines;
}

/** Load result columns after the name: each dropped, last first, when the width cannot hold it. */
const LOAD_COLUMNS: { head: string; of: (l: LoadLine) => string; width: number; keep: number }[] = [
  { head: 'req/s', of: (l) => l.rps, width: 7, keep: 0 },
  { head: 'p50', of: (l) => l.p50, width: 8, keep: 0 },
  { head: 'p90', of: (l) => l.p90, width: 8, keep: 2 },
  { head: 'p99', of: (l) => l.p99, width: 8, keep: 0 },
  { head: 'max', of: (l) => l.max, width: 8, keep: 1 },
  { head: 'errors', of: (l) => l.errors, width: 7, keep: 0 },
];

/** Each load result on a line: its name, req/s, p50 / p90 / p99 / max and errors, as k6's summary has them. */
function loadTable(report: Report, paint: ReturnType<typeof painter>, c: ChalkInstance, width: number): string[] {
  const lines = loadLines(report);
  if (!lines.length) return [];
  const numbers = (cols: typeof LOAD_COLUMNS) => cols.reduce((a, col) => a + col.width + 1, 0);
  // Narrow terminals drop p90, then max, before the name gets less than 14 columns.
  let cols = LOAD_COLUMNS;
  for (const level of [2, 1]) if (width - numbers(cols) < 16) cols = cols.filter((col) => col.keep !== level);
  const nameWidth = Math.max(4, Math.min(Math.max(...lines.map((l) => l.name.length)), width - numbers(cols) - 2));
  const cut = (s: string) => (s.length > nameWidth ? `${s.slice(0, nameWidth - 1)}…` : s.padEnd(nameWidth));
  const head = `  ${'Load'.padEnd(nameWidth)}${cols.map((col) => col.head.padStart(col.width + 1)).join('')}`;
  const rows = lines.map((l) => {
    const cells = l.note ? `  ${l.note}` : cols.map((col) => col.of(l).padStart(col.width + 1)).join('');
    return `${paint(l.status, MARK[l.status])} ${cut(l.name)}${cells}`;
  });
  return ['', c.bold(head.trimStart().padStart(head.length)), ...rows];
}

/** The config's own criteria by name, grouped by outcome; the tool's implicit ones counted apart. */
function criteriaLines(report: Report, paint: ReturnType<typeof painter>, c: ChalkInstance, width: number): string[] {
  const s = criteriaSummary(report);
  if (s.total === 0 && s.implicit.total === 0) return [];
  const met = s.groups.find((g) => g.status === 'pass')?.items.length ?? 0;
  const own = s.total ? `${met} of ${s.total} met` : "none of your own (add some: --criteria 'scenario.p99_ms < 50ms')";
  const i = s.implicit;
  const implicit = i.total ? `; the tool's own checks: ${i.met} of ${i.total} met${i.notRun ? `, ${i.notRun} not run` : ''}` : '';
  const out = ['', ...wrap(`${c.bold('Criteria')} ${own}${implicit}`, width)];
  for (const g of s.groups) {
    const label = g.why ? `${g.label} (${g.why}):` : `${g.label}:`;
    out.push(...hanging(`${paint(g.status, MARK[g.status])} ${label}`, g.items.join(', '), width, 4));
  }
  return out;
}

/** `head text...` wrapped between words within `width`, continuation lines indented by `indent`. */
function hanging(head: string, text: string, width: number, indent: number): string[] {
  const visible = head.replace(/\x1b\[[0-9;]*m/g, '').length; // eslint-disable-line no-control-regex -- ANSI colour codes
  // A head wider than the line (a long reason in a label) wraps too, its text starting on a line of its own.
  if (visible > width) return [...wrap(head, width), ...wrap(text, width - indent).map((l) => ' '.repeat(indent) + l)];
  const sep = head.endsWith(' ') ? '' : ' ';
  const first = wrap(text, Math.max(20, width - visible - sep.length));
  if (!first.length) return [head.trimEnd()];
  if (visible + sep.length + first[0].length > width)
    return [head.trimEnd(), ...wrap(text, width - indent).map((l) => ' '.repeat(indent) + l)];
  const rest = wrap(first.slice(1).join(' '), width - indent).map((l) => ' '.repeat(indent) + l);
  return [`${head}${sep}${first[0]}`, ...rest];
}

function painter(c: ChalkInstance) {
  const colour: Record<Status, (s: string) => string> = {
    pass: c.green,
    fail: c.red,
    warn: c.yellow,
    skip: c.gray,
    inconclusive: c.magenta,
  };
  return (status: Status, text: string) => colour[status](text);
}
