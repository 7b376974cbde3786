import type { Config } from '../config/config.js';
import { evaluateCriteria } from '../criteria/evaluate.js';
import { decideVerdict } from '../criteria/verdict.js';
import { buildReport, type Report } from '../reports/model.js';
import type { ProbeResult } from '../results/result.js';
import type { Redactor } from '../util/redact.js';
import { toolVersion } from '../version.js';
import { formatDuration } from '../util/duration.js';
import { runProbes } from './run-probes.js';
import { runScenarios, scenarioItem } from './run-scenarios.js';
import { faultItem, runFaults } from './run-faults.js';
import { Monitor, type Availability } from './monitor.js';
import type { LiveView } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';

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
}

/** The one way through: config -> run -> results -> criteria -> verdict -> report model. */
export async function execute(config: Config, redactor: Redactor, opts: ExecuteOptions = {}): Promise<Report> {
  const startedAt = new Date();
  let { phases, probes } = await runProbes(config, { signal: opts.signal, onResult: opts.onResult });
  const notes = [...(opts.notes ?? [])];
  let waitedMs: number | undefined;
  if (opts.waitMs) {
    // Right after a deploy, services come up one by one: poll until the required ones pass, then judge.
    const t0 = performance.now();
    const failing = () => probes.some((p) => p.required && p.status === 'fail');
    while (failing() && performance.now() - t0 < opts.waitMs && !opts.signal?.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, opts.waitMs! - (performance.now() - t0)))));
      ({ phases, probes } = await runProbes(config, { signal: opts.signal }));
    }
    waitedMs = performance.now() - t0;
    notes.push(failing() ? `waited ${formatDuration(waitedMs)} (the whole --wait budget) and required targets still fail` : `waited ${formatDuration(waitedMs)} for the required targets to pass`);
  }
  const failed = phases.find((p) => p.status === 'fail');
  // While load runs, every probe repeats: each target's uptime over the run. Not during fault
  // experiments: a deliberate restart is judged by its recovery time, not held against uptime.
  const monitor = !failed && config.scenarios.length > 0 ? new Monitor(config.targets, config.monitorIntervalMs, config.defaults.timeout, opts.signal) : undefined;
  monitor?.count(probes);
  monitor?.start();
  let scenarios: ScenarioResult[] = [];
  if (config.scenarios.length > 0) {
    // Load against a platform whose checks failed measures the failure, not the platform.
    if (failed) notes.push(`load scenarios not run: phase "${failed.name}" failed`);
    else scenarios = await runScenarios(config, { signal: opts.signal, onStart: opts.onScenarioStart, monitor });
  }
  if (monitor) addUptime(probes, await monitor.stop());
  const faults = await runFaults(config, phases, { chaos: opts.chaos ?? false, signal: opts.signal, say: opts.say ?? (() => undefined), notes });
  const aborted = opts.signal?.aborted ?? false;
  const criteria = evaluateCriteria(config.criteria, [...probes, ...scenarios.map(scenarioItem), ...faults.map(faultItem)]);
  // An interrupted run proves nothing: never GO.
  const verdict = aborted ? 'NO-GO' : decideVerdict(criteria);
  return buildReport(
    { platform: config.platform, source: config.source, version: toolVersion(), startedAt, finishedAt: new Date(), aborted, verdict, phases, probes, scenarios, faults, criteria, notes, waitedMs },
    redactor,
  );
}

/** Adds each target's availability over the run to its probe result, as measurements criteria can read. */
function addUptime(probes: ProbeResult[], stats: Map<string, Availability>): void {
  for (const p of probes) {
    const s = stats.get(p.name);
    if (!s || s.checks < 2) continue;
    p.measurements.push({ metric: 'uptime_pct', value: (s.passes / s.checks) * 100, unit: 'percent' }, { metric: 'uptime_checks', value: s.checks, unit: 'count' });
    if (s.identity) p.measurements.push({ metric: 'restarts_seen', value: s.restarts, unit: 'count' });
  }
}
