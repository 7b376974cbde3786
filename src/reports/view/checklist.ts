import type { CriterionResult } from '../../results/criterion-result.js';
import type { Evidence, Requirement } from '../../results/checklist.js';
import type { Status } from '../../results/result.js';
import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
import { dependencyEdgesOf } from './communication.js';

/**
 * The reference report's go-live checklist, a line per requirement, each from what was measured: the
 * evidence its results carry (what their kinds declare bears on it) and the criteria that verify it. A line
 * nothing measured says NOT CHECKED; one with evidence and no criterion says what to add.
 */
const LINES: {
  requirement: Requirement;
  title: string;
  hint: string;
  /** A line that applies only where something measured it: said NOT APPLICABLE otherwise, with this reason, never as a shortfall. */
  appliesOnlyIfMeasured?: string;
  /** What another section of the report already reads from the evidence, in a line (the dependency graph's edges). */
  summary?: (report: Report) => string | undefined;
}[] = [
  { requirement: 'security', title: 'Security', hint: 'security: { auth: required, tls: required }' },
  {
    requirement: 'backups',
    title: 'Backups',
    hint: 'redis.persistence_enabled == 1, postgres.archive_failing == 0, a backup_age_s query',
  },
  {
    requirement: 'acceleration',
    title: 'Hardware acceleration',
    hint: 'an accelerator target and accelerator.gpus_unhealthy == 0',
    appliesOnlyIfMeasured: 'no accelerator on this platform (add an accelerator target if it has GPUs)',
  },
  {
    requirement: 'communication',
    title: 'Engines communicating',
    hint: 'engines that publish their dependency checks, and engine.dependencies_down == 0',
    summary: edgesUp,
  },
  { requirement: 'scaling', title: 'Horizontal scaling', hint: 'a scaling scenario and scenario.<name>.efficiency >= 70%' },
  {
    requirement: 'resources',
    title: 'Resources under load',
    hint: 'process targets with cpu_pct, and criteria such as process.cpu_pct < 80% (for: 5m)',
  },
];

function show(v: number, unit?: Evidence['unit']): string {
  if (unit === 's') {
    if (v >= 2 * 86_400) return `${(v / 86_400).toFixed(1)} days`;
    if (v >= 2 * 3600) return `${(v / 3600).toFixed(1)} h`;
    if (v >= 120) return `${(v / 60).toFixed(0)} min`;
    return formatMs(v * 1000);
  }
  if (unit === 'days') return `${v.toFixed(1)} days`;
  // Whole percents read best, but not for a share under one: 0.3% of the machine's memory is not 0%.
  if (unit === '%') return `${v > 0 && v < 1 ? v.toFixed(2) : v.toFixed(0)}%`;
  return String(Math.round(v * 100) / 100);
}

/** Each metric's evidence for a requirement over every result that reports it: a flag counted, a number at its worst. */
function evidenceLines(report: Report, requirement: Requirement): string[] {
  const seen = new Map<string, { name: string; e: Evidence }[]>();
  for (const r of [...report.probes, ...report.scenarios])
    for (const e of r.evidence ?? [])
      if (e.requirement === requirement) seen.set(e.metric, [...(seen.get(e.metric) ?? []), { name: r.name, e }]);
  return [...seen.values()].map((all) => {
    const f = all[0].e;
    if (!f.worst) {
      const no = all.filter((x) => x.e.value !== 1).map((x) => x.name);
      return `${f.words}: ${all.length - no.length} of ${all.length}${no.length ? ` (not: ${no.slice(0, 3).join(', ')}${no.length > 3 ? ', …' : ''})` : ''}`;
    }
    const pick = all.reduce((a, b) => ((f.worst === 'min' ? b.e.value < a.e.value : b.e.value > a.e.value) ? b : a));
    return `${f.words} ${show(pick.e.value, f.unit)} (${pick.name})`;
  });
}

function outcomeOf(criteria: CriterionResult[], hasFacts: boolean): { word: string; status: Status } {
  if (criteria.some((c) => c.status === 'fail')) return { word: 'FAILED', status: 'fail' };
  if (criteria.some((c) => c.status === 'inconclusive')) return { word: 'INCONCLUSIVE', status: 'inconclusive' };
  if (criteria.some((c) => c.status === 'warn')) return { word: 'WARNING', status: 'warn' };
  // A criterion deliberately not run (a scaling experiment without --chaos) verified nothing.
  const notRun = criteria.filter((c) => c.status === 'skip').length;
  if (criteria.length && notRun === criteria.length) return { word: 'NOT RUN', status: 'skip' };
  if (notRun) return { word: 'PARTLY VERIFIED', status: 'warn' };
  if (criteria.length) return { word: 'VERIFIED', status: 'pass' };
  return hasFacts ? { word: 'MEASURED, NOT REQUIRED', status: 'warn' } : { word: 'NOT CHECKED', status: 'skip' };
}

/** The engines' dependency edges, as the communication section draws them, in a line. */
function edgesUp(report: Report): string | undefined {
  const edges = dependencyEdgesOf(report);
  if (!edges.length) return undefined;
  const down = edges.filter((e) => e.state === 'down').map((e) => `${e.from} → ${e.to}`);
  return `${edges.length - down.length} of ${edges.length} dependencies up${down.length ? ` (down: ${down.slice(0, 3).join(', ')})` : ''}`;
}

export function checklistSection(report: Report): Block[] {
  const rows = LINES.map((line) => {
    const summary = line.summary?.(report);
    const facts = [...(summary ? [summary] : []), ...evidenceLines(report, line.requirement)];
    const criteria = report.criteria.filter((c) => c.verifies === line.requirement);
    if (line.appliesOnlyIfMeasured && !facts.length && !criteria.length)
      return { cells: [line.title, 'NOT APPLICABLE', line.appliesOnlyIfMeasured], status: 'skip' as const, applies: false };
    const o = outcomeOf(criteria, facts.length > 0);
    const why = criteria.find((c) => c.status === 'skip')?.reason;
    const evidenceText = facts.length ? facts.join('; ') : o.word === 'NOT RUN' && why ? why : `nothing measured: add ${line.hint}`;
    const judged = criteria.length ? ` [${criteria.filter((c) => c.status === 'pass').length}/${criteria.length} criteria met]` : '';
    return { cells: [line.title, o.word, evidenceText + judged], status: o.status, applies: true };
  });
  // An ad-hoc load (no targets probed, nothing read) checks none of these: the section would list shortfalls of nothing.
  if (report.probes.length === 0 && rows.every((r) => r.cells[1] === 'NOT CHECKED' || r.cells[1] === 'NOT APPLICABLE')) return [];
  const verified = rows.filter((r) => r.status === 'pass').length;
  const applicable = rows.filter((r) => r.applies).length;
  const notApplicable = rows.length - applicable;
  return [
    {
      type: 'heading',
      level: 2,
      text: 'Go-live checklist',
      aside: `${verified}/${applicable} verified${notApplicable ? `, ${notApplicable} not applicable` : ''}`,
    },
    { type: 'table', table: table([{ head: 'Requirement' }, { head: 'Status', status: true }, { head: 'Evidence', wrap: true }], rows) },
  ];
}
