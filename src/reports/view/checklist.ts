import type { CriterionResult } from '../../results/criterion-result.js';
import type { Status } from '../../results/result.js';
import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
import { dependencyEdgesOf } from './communication.js';

/** A fact the checklist reads: a flag (1 = yes) counted over the targets that report it, or a number whose worst is shown. */
interface Fact {
  metric: string;
  words: string;
  /** A flag: "yes on 3 of 4 (no: cache)". Otherwise the worst value: the smallest or the largest. */
  worst?: 'min' | 'max';
  unit?: 's' | 'days' | '%' | 'bytes';
}

/**
 * The reference report's go-live checklist, each line from what was measured: its facts (the
 * measurements that bear on it, wherever a target reported them) and its criteria (those reading
 * them). A line nothing measured says NOT CHECKED; one with facts and no criterion says what to add.
 */
const ITEMS: {
  requirement: string;
  facts: Fact[];
  hint: string;
  /** A line that applies only where something measured it: said NOT APPLICABLE otherwise, with this reason, never as a shortfall. */
  appliesOnlyIfMeasured?: string;
}[] = [
  {
    requirement: 'Security',
    facts: [
      { metric: 'auth_required', words: 'credentials required' },
      { metric: 'tls_enabled', words: 'TLS' },
      { metric: 'tls_required', words: 'plaintext refused' },
      { metric: 'tls_valid', words: 'certificate trusted' },
      { metric: 'tls_expires_in_days', words: 'soonest certificate expiry', worst: 'min', unit: 'days' },
      { metric: 'hsts_max_age_s', words: 'shortest HSTS max-age', worst: 'min', unit: 's' },
    ],
    hint: 'security: { auth: required, tls: required }',
  },
  {
    requirement: 'Backups',
    facts: [
      { metric: 'persistence_enabled', words: 'Redis persistence' },
      { metric: 'rdb_last_save_age_s', words: 'oldest RDB save', worst: 'max', unit: 's' },
      { metric: 'wal_archiving', words: 'WAL archiving' },
      { metric: 'archive_failing', words: 'archiving failing', worst: 'max' },
      { metric: 'last_archive_age_s', words: 'newest archived WAL', worst: 'max', unit: 's' },
      { metric: 'backup_age_s', words: 'last backup', worst: 'max', unit: 's' },
    ],
    hint: 'redis.persistence_enabled == 1, postgres.archive_failing == 0, a backup_age_s query',
  },
  {
    requirement: 'Hardware acceleration',
    facts: [
      { metric: 'gpus', words: 'accelerators', worst: 'min' },
      { metric: 'gpus_unhealthy', words: 'unhealthy', worst: 'max' },
      { metric: 'gpu_utilization_pct', words: 'busiest', worst: 'max', unit: '%' },
      { metric: 'gpu_temperature_c', words: 'hottest (°C)', worst: 'max' },
      { metric: 'gpu_ecc_errors', words: 'ECC errors', worst: 'max' },
    ],
    hint: 'an accelerator target and accelerator.gpus_unhealthy == 0',
    appliesOnlyIfMeasured: 'no accelerator on this platform (add an accelerator target if it has GPUs)',
  },
  {
    requirement: 'Engines communicating',
    facts: [],
    hint: 'engines that publish their dependency checks, and engine.dependencies_down == 0',
  },
  {
    requirement: 'Horizontal scaling',
    facts: [],
    hint: 'a scaling scenario and scenario.<name>.efficiency >= 70%',
  },
  {
    requirement: 'Resources under load',
    facts: [
      { metric: 'cpu_pct', words: 'highest CPU', worst: 'max', unit: '%' },
      { metric: 'memory_used_pct', words: 'highest memory', worst: 'max', unit: '%' },
    ],
    hint: 'process targets with cpu_pct, and criteria such as process.cpu_pct < 80% (for: 5m)',
  },
];

function show(v: number, unit?: Fact['unit']): string {
  if (unit === 's') {
    if (v >= 2 * 86_400) return `${(v / 86_400).toFixed(1)} days`;
    if (v >= 2 * 3600) return `${(v / 3600).toFixed(1)} h`;
    if (v >= 120) return `${(v / 60).toFixed(0)} min`;
    return formatMs(v * 1000);
  }
  if (unit === 'days') return `${v.toFixed(1)} days`;
  if (unit === '%') return `${v.toFixed(0)}%`;
  return String(Math.round(v * 100) / 100);
}

function evidence(report: Report, f: Fact): string | undefined {
  const seen = report.probes.flatMap((p) =>
    p.measurements.filter((m) => m.metric === f.metric && !m.labels).map((m) => ({ name: p.name, value: m.value })),
  );
  if (!seen.length) return undefined;
  if (!f.worst) {
    const no = seen.filter((s) => s.value !== 1).map((s) => s.name);
    return `${f.words}: ${seen.length - no.length} of ${seen.length}${no.length ? ` (not: ${no.slice(0, 3).join(', ')}${no.length > 3 ? ', …' : ''})` : ''}`;
  }
  const pick = seen.reduce((a, b) => ((f.worst === 'min' ? b.value < a.value : b.value > a.value) ? b : a));
  return `${f.words} ${show(pick.value, f.unit)} (${pick.name})`;
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

/** The lines of the checklist that only other sections know how to read (edges, scaling results). */
function specialEvidence(report: Report, requirement: string): { facts: string[]; metrics: string[] } {
  if (requirement.startsWith('Engines')) {
    const edges = dependencyEdgesOf(report);
    const down = edges.filter((e) => e.state === 'down').map((e) => `${e.from} → ${e.to}`);
    return {
      facts: edges.length
        ? [
            `${edges.length - down.length} of ${edges.length} dependencies up${down.length ? ` (down: ${down.slice(0, 3).join(', ')})` : ''}`,
          ]
        : [],
      metrics: ['dependency_up', 'dependencies_down'],
    };
  }
  if (requirement.startsWith('Horizontal')) {
    const value = (s: Report['scenarios'][number], metric: string) => s.measurements.find((m) => m.metric === metric)?.value;
    const scaled = report.scenarios.filter((s) => value(s, 'efficiency') !== undefined && (value(s, 'instances') ?? 1) > 1);
    return {
      facts: scaled.map((s) => `${s.name}: efficiency ${value(s, 'efficiency')!.toFixed(0)}% at ${value(s, 'instances')} instances`),
      metrics: ['efficiency'],
    };
  }
  return { facts: [], metrics: [] };
}

export function checklistSection(report: Report): Block[] {
  const rows = ITEMS.map((item) => {
    const special = specialEvidence(report, item.requirement);
    const facts = [...item.facts.map((f) => evidence(report, f)).filter((e): e is string => e !== undefined), ...special.facts];
    const metrics = [...item.facts.map((f) => f.metric), ...special.metrics];
    const reads = new RegExp(`\\.(${metrics.join('|')})\\b`);
    const criteria = report.criteria.filter((c) => reads.test(c.expression));
    if (item.appliesOnlyIfMeasured && !facts.length && !criteria.length)
      return { cells: [item.requirement, 'NOT APPLICABLE', item.appliesOnlyIfMeasured], status: 'skip' as const, applies: false };
    const o = outcomeOf(criteria, facts.length > 0);
    const why = criteria.find((c) => c.status === 'skip')?.reason;
    const evidenceText = facts.length ? facts.join('; ') : o.word === 'NOT RUN' && why ? why : `nothing measured: add ${item.hint}`;
    const judged = criteria.length ? ` [${criteria.filter((c) => c.status === 'pass').length}/${criteria.length} criteria met]` : '';
    return { cells: [item.requirement, o.word, evidenceText + judged], status: o.status, applies: true };
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
