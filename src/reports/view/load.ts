import type { CriterionResult } from '../../results/criterion-result.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type TableColumn, type TableRow } from './blocks.js';
import { levelCharts, spectrumCharts, timeCharts } from './load-charts.js';
import { worstGrade } from './rank.js';
import { windowBlocks } from './soak.js';
import { fmtCount, fmtPct, fmtRate } from './format-load.js';

const COLUMNS: TableColumn[] = [
  { head: 'Result', wrap: true },
  { head: 'Users', optional: true, drop: 8 },
  { head: 'Rate asked', optional: true, drop: 5 },
  { head: 'Duration', drop: 2 },
  { head: 'Requests', drop: 4 },
  { head: 'Success' },
  { head: 'Lost', optional: true, drop: 6 },
  { head: 'Max gap', optional: true, drop: 5 },
  { head: 'RPS' },
  { head: 'Min', drop: 3 },
  { head: 'Avg', drop: 9 },
  { head: 'p50', drop: 3 },
  { head: 'p99' },
  { head: 'Max', drop: 6 },
  { head: 'SLA (p99)', optional: true },
  { head: 'Grade', drop: 7 },
  { head: 'Status', status: true },
];

/** Load results grouped by the section their scenario kind declared, in section order. */
function loadSections(results: ScenarioResult[]): [string, ScenarioResult[]][] {
  const groups = new Map<string, { order: number; results: ScenarioResult[] }>();
  for (const r of results) {
    const s = r.section ?? { title: 'Load', order: 19 };
    if (!groups.has(s.title)) groups.set(s.title, { order: s.order, results: [] });
    groups.get(s.title)!.results.push(r);
  }
  return [...groups].sort((a, b) => a[1].order - b[1].order).map(([t, g]) => [t, g.results]);
}

/** Each load section: its results table, responses table, notes, soak windows and (HTML) charts. */
export function loadBlocks(report: Report): Block[] {
  const out: Block[] = [];
  for (const [title, results] of loadSections(report.scenarios)) {
    const rows = results.flatMap((r) => [
      resultRow(r, report.criteria),
      ...(r.endpoints ?? []).map((e) => ({ ...resultRow(e, report.criteria), child: true })),
    ]);
    const valid = results.filter((r) => r.status === 'pass' || r.status === 'warn').length;
    const notRun = results.every((r) => r.status === 'skip');
    out.push({ type: 'heading', level: 2, text: title, aside: notRun ? 'not run' : `${valid}/${results.length} within budget` });
    const levelName = results.find((r) => r.levelName)?.levelName;
    const columns = levelName
      ? COLUMNS.map((c) => (c.head === 'Users' ? { ...c, head: levelName[0].toUpperCase() + levelName.slice(1) } : c))
      : COLUMNS;
    out.push({ type: 'table', table: table(columns, rows) });
    const notes = results.flatMap(resultNotes);
    if (notes.length) out.push({ type: 'notes', items: notes });
    out.push({ type: 'table', table: responsesTable(results) });
    out.push(...levelCharts(results), ...spectrumCharts(title, results));
    for (const r of results) {
      out.push(...timeCharts(r));
      if (r.windows?.length) out.push(...windowBlocks(r));
    }
  }
  return out;
}

function resultRow(r: ScenarioResult, criteria: CriterionResult[]): TableRow {
  const l = r.latencyMs;
  // Nothing was sent (not run, or an experiment that did not take effect): no latency or rate to show, not zeros.
  const ms = (v: number) => (r.requests ? formatMs(v) : '—');
  return {
    cells: [
      r.name,
      r.model === 'closed' ? String(r.level ?? r.connections) : '',
      r.model === 'open' && r.targetRps !== undefined ? `${fmtRate(r.targetRps)}/s` : '',
      r.status === 'skip' ? '—' : formatMs(r.durationMs),
      fmtCount(r.requests),
      r.requests ? fmtPct(r.successRate) : '—',
      r.delivery ? fmtCount(r.delivery.lost) : '',
      r.delivery ? formatMs(r.delivery.maxGapMs) : '',
      r.requests ? fmtRate(r.rps) : '—',
      ms(l.min),
      ms(l.mean),
      ms(l.p50),
      ms(l.p99),
      ms(l.max),
      r.slaMs !== undefined ? formatMs(r.slaMs) : '',
      gradeOf(r, criteria),
      r.validity === 'INVALID' ? 'INVALID' : r.status === 'skip' ? 'NOT RUN' : r.status.toUpperCase(),
    ],
    status: r.status,
  };
}

/**
 * The grade of the criteria on this result alone; without any, its own standing (an aggregate criterion
 * that another result failed says nothing about this one).
 */
function gradeOf(r: ScenarioResult, criteria: CriterionResult[]): string {
  if (r.validity === 'INVALID' && r.status !== 'fail') return '-'; // not judged: the generator could not vouch for it
  if (r.status === 'skip') return '-';
  const me = `scenario.${r.name}`;
  const own = criteria.filter((c) => c.subjects?.length === 1 && c.subjects[0] === me);
  if (own.length) return worstGrade(own.map((c) => c.grade));
  // No criterion of its own: nothing to grade its numbers against (a 1 s p99 is no "A" by default).
  return r.status === 'fail' ? 'F' : '-';
}

/** Status codes and error causes per result (and per endpoint of a mix), with what was loaded. */
function responsesTable(results: ScenarioResult[]) {
  const rows: TableRow[] = results
    .flatMap((r) => [r, ...(r.endpoints ?? [])])
    .map((r) => {
      const codes = Object.entries(r.statusCounts)
        .map(([s, n]) => `${s} x${fmtCount(n)}`)
        .join(', ');
      const causes = Object.entries(r.errorCauses)
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c} (x${fmtCount(n)})`)
        .join('; ');
      return {
        cells: [r.name, r.target, codes || '—', causes || 'none'],
        status: r.errors ? (r.status === 'fail' ? 'fail' : 'warn') : undefined,
      };
    });
  return table(
    [
      { head: 'Result', wrap: true },
      { head: 'Loaded', wrap: true },
      { head: 'Status codes', wrap: true },
      { head: 'Errors by cause', wrap: true },
    ],
    rows,
  );
}

/** What a row cannot say: the open model's schedule and uncorrected view, and why a result is INVALID. */
function resultNotes(r: ScenarioResult): string[] {
  const notes = [scheduleNote(r), errorBarNote(r), sessionsNote(r)].filter((n): n is string => n !== undefined);
  for (const n of r.notes ?? []) notes.push(`${r.name}: ${n}`);
  if (r.attempts && r.attempts > 1)
    notes.push(`${r.name}: measured ${r.attempts} times, this attempt kept; before it: ${(r.retried ?? []).join('; ')}`);
  if (r.invalidReason) notes.push(`${r.name} INVALID: ${r.invalidReason}`);
  else if (r.status === 'fail')
    notes.push(
      `${r.name}: success ${fmtPct(r.successRate)} is under the required ${r.successRequired}%: its latency and throughput do not count`,
    );
  return notes;
}

/** The open model: asked and answered rates, what was late or never sent, and the uncorrected latency. */
function scheduleNote(r: ScenarioResult): string | undefined {
  if (r.model !== 'open' || !r.uncorrectedLatencyMs) return undefined;
  const u = r.uncorrectedLatencyMs;
  return (
    `${r.name}: asked ${fmtRate(r.targetRps ?? 0)}/s, answered ${fmtRate(r.rps)}/s; late ${fmtCount(r.late ?? 0)}` +
    `${r.dropped || r.abandoned ? `; never sent ${fmtCount((r.dropped ?? 0) + (r.abandoned ?? 0))} (not in the counts)` : ''}. ` +
    `Latency is from each request's scheduled time; from the actual send (uncorrected): p50 ${formatMs(u.p50)}, p99 ${formatMs(u.p99)}, max ${formatMs(u.max)}`
  );
}

/** The error bars, only where worth a reader's glance: a tenth of the p99, or a millisecond. */
function errorBarNote(r: ScenarioResult): string | undefined {
  const share = r.generator.shareMs;
  if (!share || r.requests === 0 || share.p99 < Math.max(1, r.latencyMs.p99 / 10)) return undefined;
  return (
    `${r.name}: error bars (what the generator${r.generator.local ? ' and this machine, which the target shares,' : ''} may account for): p50 ± ${formatMs(share.p50)}, p99 ± ${formatMs(share.p99)}` +
    `${r.generator.shareRps ? `, rps ± ${fmtRate(r.generator.shareRps)}/s` : ''}${r.generator.busyMachine ? `; this machine was busy (${r.generator.busyMachine})` : ''}`
  );
}

/** Held connections: how many opened, how fast, and how many dropped, with why. */
function sessionsNote(r: ScenarioResult): string | undefined {
  if (!r.sessions) return undefined;
  const s = r.sessions;
  const why = Object.entries(s.causes)
    .map(([c, n]) => `${c} (x${fmtCount(n)})`)
    .join('; ');
  return `${r.name}: ${fmtCount(s.opened)} of ${fmtCount(s.opened + s.failed)} connections opened (open p50 ${formatMs(s.openP50Ms)}, p99 ${formatMs(s.openP99Ms)}), ${fmtCount(s.disconnects)} dropped while held${why ? `: ${why}` : ''}`;
}
