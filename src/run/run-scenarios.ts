import type { Config } from '../config/config.js';
import type { LiveView } from '../load/measure.js';
import type { MeasuredItem } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { scenarioKind } from '../scenarios/registry.js';
import type { Monitor } from './monitor.js';

export interface ScenarioRunOptions {
  signal?: AbortSignal;
  monitor?: Monitor;
  onStart?: (view: LiveView) => void;
}

/** Scenarios run one after another, never together: each measures the platform alone. */
export async function runScenarios(config: Config, opts: ScenarioRunOptions): Promise<ScenarioResult[]> {
  const targets = new Map(config.targets.map((t) => [t.name, t]));
  const out: ScenarioResult[] = [];
  for (const spec of config.scenarios) {
    if (opts.signal?.aborted) break;
    out.push(...(await scenarioKind(spec.kind).run(spec, { targets, signal: opts.signal, limits: config.generator, onStart: opts.onStart, monitor: opts.monitor })));
  }
  return out;
}

/** What criteria read of a scenario result. */
export function scenarioItem(r: ScenarioResult): MeasuredItem {
  return { family: 'scenario', kind: 'scenario', name: r.name, status: r.status, required: true, error: r.invalidReason, measurements: r.measurements };
}
