import { packReport } from './report-codec.js';
import type { HistoryRun } from './record.js';
import type { CHILD_TABLES } from './schema.js';
import { matchesLabels, type RunFilter, type RunSummary } from './store.js';

/** The values of each child table's columns (schema.ts's order), one array per row. */
export function childRows(run: HistoryRun, table: keyof typeof CHILD_TABLES): (string | number | null)[][] {
  switch (table) {
    case 'criteria':
      return run.criteria.map((c) => [c.name, c.expression, c.actual, c.bound, c.outcome, c.status, c.unit]);
    case 'probes':
      return run.probes.map((p) => [p.name, p.kind, p.status, p.latencyMs]);
    case 'loads':
      return run.loads.map((l) => [l.name, l.p50Ms, l.p90Ms, l.p99Ms, l.maxMs, l.rps, l.errors, l.successRate, l.validity]);
    case 'faults':
      return run.faults.map((f) => [f.name, f.status, f.recoveryMs]);
    case 'probe_numbers':
      return run.probeNumbers.map((p) => [p.series, p.value]);
  }
}

export interface RunRow {
  id: string;
  started_at: string;
  verdict: string;
  platform: string;
  labels: string;
  blockers: string;
  duration_ms: number;
}

/** What a run summary reads of each load row. */
export interface LoadRow {
  name: string;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  rps: number;
  success_rate: number;
}

/** The columns of `loads` a summary reads. */
export const LOAD_SUMMARY_COLUMNS = 'name, p50_ms, p90_ms, p99_ms, max_ms, rps, success_rate';

export function summaryOf(
  r: RunRow,
  loads: LoadRow[],
  criteria: { name: string; actual: number | null; bound: number | null; outcome: string }[] = [],
  probes: { series: string; value: number }[] = [],
): RunSummary {
  return {
    id: r.id,
    startedAt: r.started_at,
    verdict: r.verdict,
    platform: r.platform,
    labels: JSON.parse(r.labels) as Record<string, string>,
    blockers: JSON.parse(r.blockers) as string[],
    durationMs: Number(r.duration_ms),
    loads: loads.map((l) => ({
      name: l.name,
      p50Ms: Number(l.p50_ms),
      p90Ms: Number(l.p90_ms),
      p99Ms: Number(l.p99_ms),
      maxMs: Number(l.max_ms),
      rps: Number(l.rps),
      errorPct: 100 - Number(l.success_rate),
    })),
    criteria: criteria.map((c) => ({
      name: c.name,
      actual: c.actual === null ? null : Number(c.actual),
      bound: c.bound === null ? null : Number(c.bound),
      outcome: c.outcome,
    })),
    probes: probes.map((p) => ({ series: p.series, value: Number(p.value) })),
  };
}

/** The columns of `runs`, in the order `runRow` gives their values. */
export const RUN_COLUMNS = [
  'id',
  'started_at',
  'verdict',
  'platform',
  'config_hash',
  'labels',
  'tool_version',
  'duration_ms',
  'blockers',
  'report',
];

export function runRow(id: string, run: HistoryRun): (string | number)[] {
  return [
    id,
    run.startedAt,
    run.verdict,
    run.platform,
    run.configHash,
    JSON.stringify(run.labels),
    run.toolVersion,
    run.durationMs,
    JSON.stringify(run.blockers),
    packReport(run.report),
  ];
}

/** The runs a filter asks for, oldest first: those carrying its labels, the newest `last` of them. */
export function chooseRuns(rows: RunRow[], filter: RunFilter): RunRow[] {
  const wanted = rows.filter((r) => matchesLabels(JSON.parse(r.labels) as Record<string, string>, filter.labels));
  return filter.last ? wanted.slice(-filter.last) : wanted;
}
