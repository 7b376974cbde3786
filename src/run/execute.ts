import type { Config } from '../config/config.js';
import { judgeRun } from '../criteria/judge.js';
import type { Report } from '../reports/model.js';
import { finishReport } from '../finish/finish-report.js';
import type { MeasuredItem, PhaseResult, ProbeResult } from '../results/result.js';
import type { Redactor } from '../util/redact.js';
import { toolVersion } from '../version.js';
import { runProbes } from './run-probes.js';
import { notRunResults, runScenarios } from './run-scenarios.js';
import { runFaults, runOneFault } from './run-faults.js';
import type { DuringFaults } from './faults-during.js';
import type { FaultResult } from '../results/fault-result.js';
import { Monitor, type Availability } from './monitor.js';
import { waitForRequired } from './wait.js';
import { pointAlertsAtTargets } from './alert-targets.js';
import type { LiveView } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { CurrentNumbers } from '../results/trend-metrics.js';
import type { Shard } from '../load/shard.js';
import { configHash } from '../config/hash.js';
import { probeKindOrUndefined } from '../probes/registry.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  onResult?: (r: ProbeResult) => void;
  onScenarioStart?: (view: LiveView) => void;
  /** Run the fault experiments (destructive; only when asked). */
  chaos?: boolean;
  /** Where fault experiments announce what they are about to do. */
  say?: (line: string) => void;
  /** Before judging, re-probe until every required target passes or this many ms are spent. */
  waitMs?: number;
  notes?: string[];
  /** One shard of several (`--shard i/n`): its slice of the load; probes and faults on shard 1 unless `probesEverywhere`. */
  shard?: Shard;
  probesEverywhere?: boolean;
  /** The common start of the load (performance.now() time) and as it was given. */
  startAt?: { perf: number; iso: string };
  /** Run the load in a thread of its own (default); off where this already is one (a --workers shard). */
  loadThread?: boolean;
  /** What `trend.*` criteria read: the history's series with this run's results (the command reads the history). */
  trends?: (now: CurrentNumbers) => MeasuredItem[];
}

/** The one way through: config -> run -> results -> criteria -> verdict -> report model. */
export async function execute(config: Config, redactor: Redactor, opts: ExecuteOptions = {}): Promise<Report> {
  const startedAt = new Date();
  const notes = [...(opts.notes ?? [])];
  const hash = configHash(config);
  // Probes and faults happen once: on shard 1 (unless asked on every shard); the others only load.
  const loadOnly = opts.shard !== undefined && opts.shard.index > 1 && !opts.probesEverywhere;
  if (loadOnly)
    notes.push(`shard ${opts.shard!.index}/${opts.shard!.total}: probes and fault experiments run on shard 1; this shard only loads`);
  let run = loadOnly
    ? skippedProbes(config, `probes run on shard 1 of ${opts.shard!.total}`)
    : await runProbes(config, { signal: opts.signal, onResult: opts.onResult });
  let waitedMs: number | undefined;
  if (opts.waitMs) {
    const waited = await waitForRequired(config, run, opts.waitMs, opts.signal);
    ({ waitedMs } = waited);
    notes.push(waited.note);
    run = waited;
  }
  const { phases, probes } = run;
  pointAlertsAtTargets(probes, config.targets);
  const say = opts.say ?? (() => undefined);
  const ranDuring = new Map<string, FaultResult>();
  const chaos = (opts.chaos ?? false) && !loadOnly;
  const during: DuringFaults | undefined = chaos
    ? {
        planned: (s) => config.faults.filter((f) => f.during === s),
        run: (f, hooks) => runOneFault(f, config, { signal: opts.signal, say }, hooks),
        results: ranDuring,
      }
    : undefined;
  const scenarios = await runLoad(config, phases, probes, { ...opts, during, monitor: !loadOnly }, notes);
  const faults = await runFaults(config, phases, { chaos, signal: opts.signal, say, notes, ranDuring });
  const aborted = opts.signal?.aborted ?? false;
  const trends = opts.trends?.({ scenarios, probes });
  const failed = phases.find((p) => p.status === 'fail');
  const notRun = failed && scenarios.length === 0 ? notRunResults(config, `phase "${failed.name}" failed first`) : [];
  const { criteria, verdict } = judgeRun(config.criteria, { probes, scenarios, faults, trends, notRun }, { aborted });
  return finishReport(
    {
      platform: config.platform,
      source: config.source,
      version: toolVersion(),
      startedAt,
      finishedAt: new Date(),
      aborted,
      verdict,
      phases,
      probes,
      scenarios,
      faults,
      criteria,
      notes,
      waitedMs,
      ...(opts.shard && { shard: { ...opts.shard, configHash: hash, ...(opts.startAt && { startAt: opts.startAt.iso }) } }),
    },
    redactor,
  );
}

/** A shard that only loads: every phase skipped (so none failed, and the load runs), no probe result. */
function skippedProbes(config: Config, reason: string): { phases: PhaseResult[]; probes: ProbeResult[] } {
  return { phases: config.phases.map((p) => ({ name: p.name, description: p.description, status: 'skip', reason })), probes: [] };
}

/**
 * The load scenarios, with every probe repeating meanwhile (uptime over the run; a soak's window
 * samples). Not run when a phase failed: load against a failing platform measures the failure.
 */
async function runLoad(
  config: Config,
  phases: PhaseResult[],
  probes: ProbeResult[],
  opts: ExecuteOptions & { during?: DuringFaults; monitor: boolean },
  notes: string[],
): Promise<ScenarioResult[]> {
  if (config.scenarios.length === 0) return [];
  const failed = phases.find((p) => p.status === 'fail');
  if (failed) {
    notes.push(`load scenarios not run: phase "${failed.name}" failed first`);
    return [];
  }
  const monitor = opts.monitor ? new Monitor(config.targets, config.monitorIntervalMs, config.defaults.timeout, opts.signal) : undefined;
  monitor?.count(probes);
  monitor?.start();
  const scenarios = await runScenarios(config, {
    signal: opts.signal,
    onStart: opts.onScenarioStart,
    monitor,
    faults: opts.during,
    shard: opts.shard,
    startAt: opts.startAt?.perf,
    thread: opts.loadThread,
    retries: config.retries,
    chaos: opts.chaos,
    say: opts.say,
  });
  // Stopped before the fault experiments: a deliberate restart is judged by its recovery, not held against uptime.
  if (monitor) {
    addUptime(probes, await monitor.stop());
    addSustained(probes, monitor.sampled());
  }
  return scenarios;
}

/**
 * Each target's sustained metrics over the run: the samples kept for `for:` criteria, and the value shown
 * made the worst one seen (CPU under load, not CPU before it).
 */
function addSustained(probes: ProbeResult[], sampled: Map<string, Record<string, [number, number][]>>): void {
  for (const p of probes) {
    const kept = sampled.get(p.name);
    if (!kept) continue;
    for (const [metric, series] of Object.entries(kept)) {
      if (series.length < 2) continue;
      const m = p.measurements.find((x) => x.metric === metric && !x.labels);
      if (!m) continue;
      const higherIsWorse = probeKindOrUndefined(p.kind)?.metrics[metric]?.aggregate !== 'min';
      m.value = (higherIsWorse ? Math.max : Math.min)(...series.map((s) => s[1]));
      (p.samples ??= {})[metric] = series;
    }
  }
}

/** Adds each target's availability over the run to its probe result, as measurements criteria can read. */
function addUptime(probes: ProbeResult[], stats: Map<string, Availability>): void {
  for (const p of probes) {
    const s = stats.get(p.name);
    if (!s || s.checks < 2) continue;
    p.measurements.push(
      { metric: 'uptime_pct', value: (s.passes / s.checks) * 100, unit: 'percent' },
      { metric: 'uptime_checks', value: s.checks, unit: 'count' },
    );
    if (s.identity) p.measurements.push({ metric: 'restarts_seen', value: s.restarts, unit: 'count' });
  }
}
