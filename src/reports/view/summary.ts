import type { CriterionResult } from '../../results/criterion-result.js';
import type { Status } from '../../results/result.js';
import { formatMs, formatValue, STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type TableRow } from './blocks.js';
import { worstGrade, worstStatus } from './rank.js';

/** Categories that are not a report section, placed around the sections. */
const FIXED_ORDER: Record<string, number> = { 'All targets': 0, 'Fault tolerance': 20 };

/**
 * The executive summary, the reference report's first table: one row per category of criteria (engine
 * health, response times, load capacity, fault tolerance...), with the criterion that decides the row.
 */
export function executiveSummary(report: Report): Block[] {
  const s = report.summary;
  const p = s.probes;
  const facts = [
    report.startedAt,
    formatMs(report.durationMs),
    `config ${report.source}`,
    p.total ? `${p.total} targets (${p.pass} pass, ${p.warn} warn, ${p.fail} fail${p.skip ? `, ${p.skip} skipped` : ''})` : '',
    report.scenarios.length ? `${report.scenarios.length} load results` : '',
    report.faults.length ? `${report.faults.length} fault experiments` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const rows = categories(report).map(([category, cs]) => summaryRow(category, cs));
  return [
    { type: 'heading', level: 2, text: 'Executive summary', aside: `${s.criteria.met}/${s.criteria.total} criteria met` },
    { type: 'notes', items: [facts, ...report.notes.map((n) => `Note: ${n}`)] },
    {
      type: 'table',
      table: table(
        [
          { head: 'Category', wrap: true },
          { head: 'Target', wrap: true },
          { head: 'Actual', wrap: true },
          { head: 'Status', status: true },
          { head: 'Grade' },
        ],
        rows,
      ),
    },
  ];
}

/** Criteria grouped by category, the categories in report order (sections first, then the config's own). */
function categories(report: Report): [string, CriterionResult[]][] {
  const order = new Map<string, number>(Object.entries(FIXED_ORDER));
  for (const x of [...report.probes, ...report.scenarios])
    if (x.section && !order.has(x.section.title)) order.set(x.section.title, x.section.order);
  const groups = new Map<string, CriterionResult[]>();
  for (const c of report.criteria) {
    const key = c.category ?? 'Other';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rank = (k: string) => order.get(k) ?? 30;
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** The row's deciding criterion is the first that blocks, else one not judged, else the first NOT RUN, else a warning, else the first. */
function summaryRow(category: string, cs: CriterionResult[]): TableRow {
  const decides =
    cs.find((c) => c.status === 'fail') ??
    cs.find((c) => c.status === 'inconclusive') ??
    cs.find((c) => c.outcome === 'NOT RUN') ??
    cs.find((c) => c.status === 'warn') ??
    cs[0];
  const status: Status = worstStatus(cs.map((c) => c.status));
  const met = cs.filter((c) => c.status === 'pass').length;
  const word = decides.outcome === 'NOT RUN' && status !== 'pass' && status !== 'inconclusive' ? 'NOT RUN' : STATUS_WORD[status];
  return {
    cells: [
      category,
      `${decides.name === decides.expression ? decides.expression : `${decides.name} ${decides.requirement}`}${cs.length > 1 ? ` (+${cs.length - 1} more)` : ''}`,
      decides.actual === null ? 'not measured' : formatValue(decides.actual, decides.unit),
      cs.length > 1 ? `${word} (${met}/${cs.length} met)` : word,
      status === 'inconclusive' ? '-' : worstGrade(cs.map((c) => c.grade)),
    ],
    status,
  };
}

/** What to do: the verdict sentence, then what blocks and what to follow up, as lists. */
export function recommendation(report: Report): Block[] {
  const out: Block[] = [{ type: 'heading', level: 2, text: 'Recommendation', aside: report.verdict }];
  const lead = report.aborted
    ? report.recommendation
    : {
        GO: 'GO: every critical criterion is met.',
        'NO-GO': 'NO-GO: fix the blockers below, then run validate again.',
        INCONCLUSIVE:
          'INCONCLUSIVE: nothing failed on numbers validate could vouch for, but it could not vouch for what is listed below. Remove the cause and run again: this is not a verdict on the platform.',
      }[report.verdict];
  out.push({ type: 'notes', items: [lead] });
  if (report.blockers.length) out.push({ type: 'list', title: 'Blockers (fix before go-live)', items: report.blockers });
  if (report.inconclusive.length)
    out.push({ type: 'list', title: 'Not judged (validate could not vouch for these)', items: report.inconclusive });
  if (report.followUps.length) out.push({ type: 'list', title: 'Follow-ups (not blocking)', items: report.followUps });
  return out;
}
