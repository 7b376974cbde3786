import type { Report } from '../reports/model.js';
import { probeNumbers, type ProbeNumber } from '../results/trend-metrics.js';

/** One run as the history keeps it: the row of `runs`, the rows beside it, and the whole report. */
export interface HistoryRun {
  startedAt: string;
  verdict: string;
  platform: string;
  configHash: string;
  labels: Record<string, string>;
  toolVersion: string;
  durationMs: number;
  blockers: string[];
  criteria: {
    name: string;
    expression: string;
    actual: number | null;
    bound: number | null;
    outcome: string;
    status: string;
    unit: string;
  }[];
  probes: { name: string; kind: string; status: string; latencyMs: number | null }[];
  loads: {
    name: string;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
    rps: number;
    errors: number;
    successRate: number;
    validity: string;
  }[];
  faults: { name: string; status: string; recoveryMs: number | null }[];
  /** Each probe's unlabelled numbers, by series name. */
  probeNumbers: ProbeNumber[];
  /** The full JSON report (histograms included): any run can be rendered or compared again exactly. */
  report: string;
}

/** What a report keeps in the history: its headline numbers as rows (to query), and itself whole (to re-render). */
export function historyRun(report: Report, o: { configHash: string; labels: Record<string, string> }): HistoryRun {
  return {
    startedAt: report.startedAt,
    verdict: report.verdict,
    platform: report.platform,
    configHash: o.configHash,
    labels: o.labels,
    toolVersion: report.tool.version,
    durationMs: Math.round(report.durationMs),
    blockers: report.blockers,
    criteria: report.criteria.map((c) => ({
      name: c.name,
      expression: c.expression,
      actual: c.actual,
      bound: c.bound ?? null,
      outcome: c.outcome,
      status: c.status,
      unit: c.unit,
    })),
    probes: report.probes.map((p) => ({ name: p.name, kind: p.kind, status: p.status, latencyMs: p.latencyMs })),
    loads: report.scenarios.map((s) => ({
      name: s.name,
      p50Ms: s.latencyMs.p50,
      p90Ms: s.latencyMs.p90,
      p99Ms: s.latencyMs.p99,
      maxMs: s.latencyMs.max,
      rps: s.rps,
      errors: s.errors,
      successRate: s.successRate,
      validity: s.validity,
    })),
    faults: report.faults.map((f) => ({ name: f.name, status: f.status, recoveryMs: f.recoveryMs })),
    probeNumbers: report.probes.flatMap(probeNumbers),
    report: JSON.stringify(report),
  };
}

/** `env=staging` → ['env', 'staging']; a label without = or with an empty name is refused by the caller. */
export function parseLabel(spec: string): [string, string] | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/.exec(spec);
  return m ? [m[1], m[2]] : undefined;
}
