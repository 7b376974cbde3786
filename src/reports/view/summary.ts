import type { CriterionResult } from '../../results/criterion-result.js';
import type { Status } from '../../results/result.js';
import { formatMs, STATUS_WORD, withMargin } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
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
  const rows = summaryRows(report).map((r) => ({ cells: [r.category, r.requirement, r.actual, r.word, r.grade], status: r.status }));
  return [
    { type: 'heading', level: 2, text: 'Executive summary', aside: `${s.criteria.met}/${s.criteria.total} criteria met` },
    { type: 'notes', items: [facts, ...report.notes.map((n) => `Note: ${n}`)] },
    {
      type: 'table',
      table: table(
        [
          { head: 'Category', wrap: true },
          { head: 'Requirement', wrap: true },
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

export interface SummaryRow {
  category: string;
  /** The deciding criterion's requirement in words (and how many more the row holds). */
  requirement: string;
  actual: string;
  /** PASS, FAIL, NOT RUN..., with `(n/m met)` for a row of several. */
  word: string;
  status: Status;
  grade: string;
}

/**
 * The executive summary's rows: one per category of criteria, and one for each section of results that
 * no criterion covers (fault experiments without a criterion still say whether they recovered), so every
 * category the config covers has its row.
 */
export function summaryRows(report: Report): SummaryRow[] {
  const rows = categories(report).map(([category, cs]) => summaryRow(category, cs));
  const covered = new Set(rows.map((r) => r.category));
  if (report.faults.length && !covered.has('Fault tolerance')) rows.push(faultRow(report));
  return rows;
}

/** The row's deciding criterion is the first that blocks, else one not judged, else the first NOT RUN, else a warning, else the first. */
function summaryRow(category: string, cs: CriterionResult[]): SummaryRow {
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
    category,
    requirement: `${decides.inWords ?? `${decides.name} ${decides.requirement}`}${cs.length > 1 ? ` (+${cs.length - 1} more)` : ''}`,
    actual:
      decides.actual !== null
        ? withMargin(decides.actual, decides.margin, decides.unit)
        : decides.status === 'skip'
          ? 'not run'
          : 'not measured',
    word: cs.length > 1 ? `${word} (${met}/${cs.length} met)` : word,
    status,
    grade: status === 'inconclusive' ? '-' : worstGrade(cs.map((c) => c.grade)),
  };
}

/** Fault experiments no criterion names: each must take effect and recover, as their own rows in the fault table say. */
function faultRow(report: Report): SummaryRow {
  const ran = report.faults.filter((f) => !f.notRun);
  const good = ran.filter((f) => f.status === 'pass').length;
  const status = ran.length ? worstStatus(ran.map((f) => f.status)) : 'skip';
  return {
    category: 'Fault tolerance',
    requirement: 'every fault experiment takes effect and recovers (no criterion written)',
    actual: ran.length ? `${good}/${ran.length} recovered` : 'not run',
    word: ran.length ? STATUS_WORD[status] : 'NOT RUN',
    status,
    grade: '-',
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
