import type { ProbeResult } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { FaultResult } from '../results/fault-result.js';
import { formatMs } from './format-values.js';
import type { Report } from './model.js';

export interface ProbeSection {
  title: string;
  probes: ProbeResult[];
}

/**
 * The reference report's grouping (infrastructure health, then the engine matrix), as each probe's kind
 * declared it: every renderer uses this, so none disagrees on what goes where.
 */
export function probeSections(report: Report): ProbeSection[] {
  const bySection = new Map<string, { order: number; probes: ProbeResult[] }>();
  for (const p of report.probes) {
    const s = p.section ?? { title: 'Targets', order: 99 };
    if (!bySection.has(s.title)) bySection.set(s.title, { order: s.order, probes: [] });
    bySection.get(s.title)!.probes.push(p);
  }
  return [...bySection].sort((a, b) => a[1].order - b[1].order).map(([title, s]) => ({ title, probes: s.probes }));
}

/** "9/10 healthy" style counts for a section heading. */
export function healthLine(probes: ProbeResult[]): string {
  const measured = probes.filter((p) => p.status !== 'skip');
  const up = measured.filter((p) => p.status !== 'fail').length;
  const skipped = probes.length - measured.length;
  return `${up}/${measured.length} healthy${skipped ? `, ${skipped} skipped` : ''}`;
}

export interface ScenarioTable {
  head: string[];
  rows: string[][];
  /** One line per open-model or invalid result: schedule, late, dropped, the uncorrected view, why invalid. */
  notes: string[];
}

const fmtCount = (n: number) => n.toLocaleString('en-US');
const fmtRate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** The load table both text renderers show: one row per result, the same columns as the reference report. */
export function scenarioTable(results: ScenarioResult[]): ScenarioTable {
  const head = ['Result', 'Kind', 'Conns', 'Requests', 'Errors', 'RPS', 'Mean', 'p50', 'p90', 'p99', 'Max', 'Valid'];
  const rows = results.map((r) => [
    r.name,
    r.kind,
    String(r.connections),
    fmtCount(r.requests),
    r.errors ? `${fmtCount(r.errors)} (${(100 - r.successRate).toFixed(2)}%)` : '0',
    fmtRate(r.rps),
    formatMs(r.latencyMs.mean),
    formatMs(r.latencyMs.p50),
    formatMs(r.latencyMs.p90),
    formatMs(r.latencyMs.p99),
    formatMs(r.latencyMs.max),
    r.validity === 'VALID' ? 'yes' : 'INVALID',
  ]);
  const notes: string[] = [];
  for (const r of results) {
    if (r.model === 'open' && r.uncorrectedLatencyMs) {
      const u = r.uncorrectedLatencyMs;
      notes.push(
        `${r.name}: asked ${fmtRate(r.targetRps ?? 0)}/s, achieved ${fmtRate(r.rps)}/s; late ${fmtCount(r.late ?? 0)}, dropped ${fmtCount(r.dropped ?? 0)}. ` +
          `Latency above is from each request's scheduled time; from the actual send (uncorrected): p50 ${formatMs(u.p50)}, p90 ${formatMs(u.p90)}, p99 ${formatMs(u.p99)}, max ${formatMs(u.max)}`,
      );
    }
    if (r.invalidReason) notes.push(`${r.name} INVALID: ${r.invalidReason}`);
    const causes = Object.entries(r.errorCauses);
    if (causes.length) notes.push(`${r.name} errors: ${causes.map(([c, n]) => `${c} (${fmtCount(n)})`).join('; ')}`);
  }
  return { head, rows, notes };
}

/** The reference report's fault tolerance table: recovery time, system impact, status. */
export function faultTable(results: FaultResult[]): ScenarioTable {
  const head = ['Fault', 'Action', 'Watched', 'Recovery time', 'System impact', 'Status'];
  const rows = results.map((f) => [
    f.name,
    f.status === 'skip' ? f.type : f.detail ?? f.action,
    f.watched.join(', '),
    f.recoveryMs === null ? (f.status === 'skip' ? '—' : 'not recovered') : f.disruptionSeen ? formatMs(f.recoveryMs) : 'no disruption seen',
    f.status === 'skip' ? '—' : f.isolated ? 'isolated: no other target failed' : `also failed: ${f.affected.join(', ')}`,
    f.status.toUpperCase(),
  ]);
  const notes: string[] = [];
  for (const f of results) {
    if (f.witnessRecoveryMs !== undefined) notes.push(`${f.name}: the tool's own connection was back after ${formatMs(f.witnessRecoveryMs)}`);
    if (f.error) notes.push(`${f.name}: ${f.error}`);
  }
  return { head, rows, notes };
}

/** A soak's windows: one row each, with how the infrastructure stood at the window's end. */
export function windowTable(r: ScenarioResult): ScenarioTable {
  const head = ['Window', 'From', 'Requests', 'Errors', 'RPS', 'p50', 'p99', 'Max', 'Infrastructure'];
  const rows = (r.windows ?? []).map((w) => {
    const down = w.infra.filter((i) => i.status === 'fail').map((i) => i.name);
    const infra = w.infra.length === 0 ? '—' : down.length ? `down: ${down.join(', ')}` : `${w.infra.length}/${w.infra.length} up`;
    return [String(w.index), formatMs(w.startMs), fmtCount(w.requests), w.errors ? `${fmtCount(w.errors)} (${w.errorRate.toFixed(2)}%)` : '0', fmtRate(w.rps), formatMs(w.latencyMs.p50), formatMs(w.latencyMs.p99), formatMs(w.latencyMs.max), infra];
  });
  const m = Object.fromEntries(r.measurements.map((x) => [x.metric, x.value]));
  const notes = r.windows?.length
    ? [`${r.name}: p99 drift first to last window ${(m.p99_drift_pct ?? 0).toFixed(1)}%, worst window p99 ${formatMs(m.worst_window_p99_ms ?? 0)}, worst window error rate ${(m.worst_window_error_pct ?? 0).toFixed(2)}%, largest throughput drop between windows ${(m.max_throughput_drop_pct ?? 0).toFixed(1)}%`]
    : [];
  return { head, rows, notes };
}
