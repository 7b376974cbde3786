import type { Config } from '../config/config.js';
import { evaluateCriteria } from '../criteria/evaluate.js';
import { decideVerdict } from '../criteria/verdict.js';
import { buildReport, type Report } from '../reports/model.js';
import type { ProbeResult } from '../results/result.js';
import type { Redactor } from '../util/redact.js';
import { toolVersion } from '../version.js';
import { runProbes } from './run-probes.js';
import { runScenarios, scenarioItem } from './run-scenarios.js';
import { faultItem, runFaults } from './run-faults.js';
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
  notes?: string[];
}

/** The one way through: config -> run -> results -> criteria -> verdict -> report model. */
export async function execute(config: Config, redactor: Redactor, opts: ExecuteOptions = {}): Promise<Report> {
  const startedAt = new Date();
  const { phases, probes } = await runProbes(config, { signal: opts.signal, onResult: opts.onResult });
  const notes = [...(opts.notes ?? [])];
  let scenarios: ScenarioResult[] = [];
  if (config.scenarios.length > 0) {
    // Load against a platform whose checks failed measures the failure, not the platform.
    const failed = phases.find((p) => p.status === 'fail');
    if (failed) notes.push(`load scenarios not run: phase "${failed.name}" failed`);
    else scenarios = await runScenarios(config, { signal: opts.signal, onStart: opts.onScenarioStart });
  }
  const faults = await runFaults(config, phases, { chaos: opts.chaos ?? false, signal: opts.signal, say: opts.say ?? (() => undefined), notes });
  const aborted = opts.signal?.aborted ?? false;
  const criteria = evaluateCriteria(config.criteria, [...probes, ...scenarios.map(scenarioItem), ...faults.map(faultItem)]);
  // An interrupted run proves nothing: never GO.
  const verdict = aborted ? 'NO-GO' : decideVerdict(criteria);
  return buildReport(
    { platform: config.platform, source: config.source, version: toolVersion(), startedAt, finishedAt: new Date(), aborted, verdict, phases, probes, scenarios, faults, criteria, notes },
    redactor,
  );
}
