import type { ChalkInstance } from 'chalk';
import type { Status } from '../results/result.js';
import { wrap } from './fit-table.js';
import { formatMs, VERDICT_LOOK } from './format-values.js';
import type { RenderOptions } from './formats.js';
import type { Report } from './model.js';
import { findings } from './view/findings.js';
import { sectionHeadlines } from './view/headlines.js';
import { summaryRows } from './view/summary.js';

const FOLLOW_UPS_SHOWN = 4;
const FINDINGS_SHOWN = 8;
const MARK: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', inconclusive: '?' };

/**
 * The end-of-run summary, in the spirit of k6's: the verdict first and last, each blocker with the fact
 * that explains it, one line per category and per section with its numbers, then where the full tables
 * are. Lines wrap between words with a hanging indent, so a name or a URL is never cut at 80 columns.
 * `blockersOnly` (-q): nothing when GO, else the verdict and what stands in its way.
 */
export function renderSummary(report: Report, opts: RenderOptions, c: ChalkInstance, width: number): string {
  const paint = painter(c);
  const found = findings(report);
  // What stands in the verdict's way: what failed on a NO-GO, what could not be judged otherwise.
  const counted = found.filter((f) => report.verdict !== 'NO-GO' || f.status === 'fail').reduce((n, f) => n + (f.count ?? 1), 0);
  const verdict = verdictLine(report, counted, c);
  if (opts.blockersOnly)
    return report.verdict === 'GO' && !report.aborted ? '' : [verdict, ...findingLines(found, paint, width), ''].join('\n');
  const facts = `${report.platform} · ${report.startedAt.replace('T', ' ').slice(0, 19)} UTC · ${formatMs(report.durationMs)} · config ${report.source}`;
  const out = [verdict, ...wrap(facts, width).map((l) => c.gray(l))];
  if (found.length) out.push('', c.bold(report.verdict === 'NO-GO' ? 'Blockers' : 'Not judged'), ...findingLines(found, paint, width));
  const rows = summaryRows(report);
  if (rows.length) {
    const nameWidth = Math.min(30, Math.max(16, ...rows.map((r) => r.category.length)));
    const actualWidth = Math.min(14, Math.max(6, ...rows.map((r) => r.actual.length)));
    out.push('', `${c.bold('Go-live criteria'.padEnd(nameWidth + 2))}  ${c.gray(`${'actual'.padEnd(actualWidth)} requirement`)}`);
    for (const r of rows) {
      const head = `${paint(r.status, MARK[r.status])} ${r.category.padEnd(nameWidth)}  ${r.actual.padEnd(actualWidth)} `;
      // One line each: a category's whole requirement is in the blockers when it fails, and in --detail.
      out.push(`${head}${oneLine(r.requirement, Math.max(12, width - (nameWidth + actualWidth + 5)))}`);
    }
  }
  out.push('', c.bold('Sections'));
  const headlines = sectionHeadlines(report);
  const sectionWidth = Math.min(30, Math.max(...headlines.map((h) => h.section.length)));
  for (const h of headlines)
    out.push(...hanging(`${paint(h.status, MARK[h.status])} ${h.section.padEnd(sectionWidth)}  `, h.text, width, sectionWidth + 4));
  if (report.followUps.length) {
    out.push('', c.bold('Follow-ups (not blocking)'));
    for (const f of report.followUps.slice(0, FOLLOW_UPS_SHOWN)) out.push(...hanging('-', f, width, 2));
    if (report.followUps.length > FOLLOW_UPS_SHOWN) out.push(`  and ${report.followUps.length - FOLLOW_UPS_SHOWN} more`);
  }
  const html = opts.htmlPath ? `the HTML report ${opts.htmlPath}` : 'an HTML report (--out report.html)';
  out.push('', ...wrap(`Every table and chart: --detail, or ${html}`, width).map((l) => c.gray(l)));
  out.push(verdict, '');
  return out.join('\n');
}

function verdictLine(report: Report, blockers: number, c: ChalkInstance): string {
  const tone = VERDICT_LOOK[report.verdict].tone;
  const banner = (tone === 'good' ? c.bgGreen.black.bold : tone === 'bad' ? c.bgRed.white.bold : c.bgMagenta.white.bold)(
    ` ${report.verdict} `,
  );
  const s = report.summary.criteria;
  const why = report.aborted
    ? 'run interrupted: partial report'
    : tone === 'good'
      ? 'every critical criterion is met'
      : tone === 'bad'
        ? `${blockers} blocker${blockers === 1 ? '' : 's'}, ${s.met}/${s.total} criteria met`
        : `${blockers} not judged (validate could not tell), ${s.met}/${s.total} criteria met`;
  return `${banner} ${why}`;
}

function findingLines(found: ReturnType<typeof findings>, paint: ReturnType<typeof painter>, width: number): string[] {
  const lines = found
    .slice(0, FINDINGS_SHOWN)
    .flatMap((f) => hanging(`${paint(f.status, MARK[f.status])} ${f.subject}:`, f.fact, width, 4));
  const more = found.length - FINDINGS_SHOWN;
  return more > 0 ? [...lines, `  and ${more} more: --detail, or the .md/.html report`] : lines;
}

/**
 * The text on one line of `room` characters, cut between words with an ellipsis (never inside a name),
 * keeping a closing `(+3 more)`: how many more criteria the row holds is the part worth keeping.
 */
function oneLine(text: string, room: number): string {
  if (text.length <= room) return text;
  const more = / \(\+\d+ more\)$/.exec(text)?.[0] ?? '';
  const body = text.slice(0, text.length - more.length);
  const fit = room - more.length - 1;
  const cut = body.lastIndexOf(' ', fit);
  return `${body.slice(0, cut > 0 ? cut : fit)}…${more}`;
}

/** `head text...` wrapped between words within `width`, continuation lines indented by `indent`. */
function hanging(head: string, text: string, width: number, indent: number): string[] {
  const visible = head.replace(/\x1b\[[0-9;]*m/g, '').length; // eslint-disable-line no-control-regex -- ANSI colour codes
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
