import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';

/** Label values escaped as the text exposition format requires. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

/**
 * The Prometheus text exposition format, for node_exporter's textfile collector: scheduled runs become
 * time series (verdict, criteria, probes, scenario percentiles, recovery times) that chart in Grafana.
 */
export function render(report: Report, _opts: RenderOptions): string {
  const out: string[] = [];
  const p = { platform: report.platform };
  const metric: Emit = (name, help, samples) => {
    if (samples.length === 0) return;
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [l, v] of samples) out.push(`${name}${labels({ ...p, ...l })} ${Number.isFinite(v) ? v : 'NaN'}`);
  };
  for (const group of [runMetrics, criterionMetrics, probeMetrics, scenarioMetrics, faultMetrics]) group(report, metric);
  return `${out.join('\n')}\n`;
}

type Emit = (name: string, help: string, samples: [Record<string, string>, number][]) => void;

/** The run's verdict, whether it was interrupted, when it started and how long it took. */
function runMetrics(report: Report, metric: Emit): void {
  metric('validate_verdict_go', '1 when the last run said GO, 0 for NO-GO or INCONCLUSIVE', [[{}, report.verdict === 'GO' ? 1 : 0]]);
  metric(
    'validate_verdict',
    "The last run's verdict: 1 for the one it said, 0 for the others",
    (['GO', 'NO-GO', 'INCONCLUSIVE'] as const).map((v) => [{ verdict: v }, report.verdict === v ? 1 : 0]),
  );
  metric('validate_run_aborted', '1 when the last run was interrupted', [[{}, report.aborted ? 1 : 0]]);
  metric('validate_run_timestamp_seconds', 'When the last run started (Unix time)', [[{}, Date.parse(report.startedAt) / 1000]]);
  metric('validate_run_duration_seconds', 'How long the last run took', [[{}, report.durationMs / 1000]]);
}

/** Each criterion's outcome, actual and bound. */
function criterionMetrics(report: Report, metric: Emit): void {
  metric(
    'validate_criterion_met',
    '1 when the criterion was met, 0 when not (not-run criteria are left out)',
    report.criteria
      .filter((c) => c.status !== 'skip')
      .map((c) => [{ criterion: c.name, severity: c.severity }, c.status === 'pass' ? 1 : 0]),
  );
  // One series per outcome, 1 for the one it had (a state set): the alert rules `validate alerts` writes for what only the gate measures read it.
  const outcomes = ['MET', 'NOT MET', 'NOT RUN', 'INCONCLUSIVE'] as const;
  metric(
    'validate_criterion_outcome',
    "1 for the criterion's outcome in the last run, 0 for the others",
    report.criteria.flatMap((c) =>
      outcomes.map(
        (o) => [{ criterion: c.name, severity: c.severity, outcome: o }, c.outcome === o ? 1 : 0] as [Record<string, string>, number],
      ),
    ),
  );
  metric(
    'validate_criterion_actual',
    "The criterion's measured value, in its measurement's unit",
    report.criteria.filter((c) => c.actual !== null).map((c) => [{ criterion: c.name, unit: c.unit }, c.actual as number]),
  );
  metric(
    'validate_criterion_bound',
    "The criterion's bound, in its measurement's unit: the line its actual must stay on the right side of",
    report.criteria.filter((c) => c.bound !== undefined).map((c) => [{ criterion: c.name, unit: c.unit }, c.bound as number]),
  );
}

/** Each probe: up, and its main round trip. */
function probeMetrics(report: Report, metric: Emit): void {
  metric(
    'validate_probe_up',
    '1 when the probe passed or warned, 0 when it failed',
    report.probes.filter((x) => x.status !== 'skip').map((x) => [{ target: x.name, kind: x.kind }, x.status === 'fail' ? 0 : 1]),
  );
  metric(
    'validate_probe_latency_seconds',
    "The probe's main round trip",
    report.probes.filter((x) => x.latencyMs !== null).map((x) => [{ target: x.name, kind: x.kind }, (x.latencyMs as number) / 1000]),
  );
}

/** Each load result's percentiles, throughput, requests and errors. */
function scenarioMetrics(report: Report, metric: Emit): void {
  // `quantile` is reserved for summaries; these are gauges of a finished run, so the label is `percentile`.
  const q = ['p50', 'p90', 'p99', 'max'] as const;
  metric(
    'validate_scenario_latency_seconds',
    'Latency percentiles of each load result (from the schedule in the open model)',
    report.scenarios.flatMap((s) =>
      q.map((k) => [{ scenario: s.name, kind: s.kind, percentile: k }, s.latencyMs[k] / 1000] as [Record<string, string>, number]),
    ),
  );
  metric(
    'validate_scenario_requests_per_second',
    'Achieved throughput of each load result',
    report.scenarios.map((s) => [{ scenario: s.name, kind: s.kind }, s.rps]),
  );
  metric(
    'validate_scenario_requests',
    'Requests sent by each load result',
    report.scenarios.map((s) => [{ scenario: s.name, kind: s.kind }, s.requests]),
  );
  metric(
    'validate_scenario_errors',
    'Failed requests of each load result',
    report.scenarios.map((s) => [{ scenario: s.name, kind: s.kind }, s.errors]),
  );
}

/** Each fault's recovery time. */
function faultMetrics(report: Report, metric: Emit): void {
  metric(
    'validate_fault_recovery_seconds',
    'Recovery time of each fault experiment that ran',
    report.faults.filter((f) => f.recoveryMs !== null).map((f) => [{ fault: f.name, type: f.type }, (f.recoveryMs as number) / 1000]),
  );
}
