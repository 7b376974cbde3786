import { aggregate } from '../criteria/aggregate.js';
import { scenarioMeasurements } from '../load/to-result.js';
import type { Aggregate, Measurement } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { SCENARIO_METRICS } from '../scenarios/metrics.js';
import { SCENARIOS } from '../scenarios/registry.js';
import type { ScenarioBase } from '../scenarios/types.js';

/**
 * A merged result's measurements, as its kind would have made them on one process: the common ones
 * from the merged fields, the kind's own from `remeasure` (a bus's delivery counts, a soak's windows);
 * anything else the shards measured is combined by its aggregate (counts summed, the rest the worst).
 */
export function remeasure(merged: ScenarioResult[], shards: Map<string, ScenarioResult[]>, specs: Map<string, ScenarioBase>): void {
  const byScenario = new Map<string, ScenarioResult[]>();
  for (const r of merged) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  for (const [scenario, results] of byScenario) {
    const spec = specs.get(scenario);
    const kind = SCENARIOS.find((k) => k.kind === results[0].kind);
    const declared = {
      ...SCENARIO_METRICS,
      ...(spec && kind?.resultMetrics ? Object.assign({}, ...Object.values(kind.resultMetrics(spec))) : {}),
    };
    const own = kind?.remeasure?.(results, spec) ?? results.map(() => []);
    results.forEach((r, i) => {
      if (r.status === 'skip' && r.requests === 0) return;
      const overBudget = r.requests > 0 && r.successRate < r.successRequired;
      const base = scenarioMeasurements(r, overBudget);
      const known = new Set([...base, ...own[i]].map((m) => m.metric));
      const rest = combine(
        (shards.get(r.name) ?? []).flatMap((s) => s.measurements.filter((m) => !known.has(m.metric))),
        declared,
      );
      r.measurements = [...base, ...own[i], ...rest];
    });
  }
}

function combine(ms: Measurement[], declared: Record<string, { aggregate: Aggregate }>): Measurement[] {
  const byMetric = new Map<string, Measurement[]>();
  for (const m of ms) byMetric.set(m.metric, [...(byMetric.get(m.metric) ?? []), m]);
  return [...byMetric].map(([metric, xs]) => {
    const kind: Aggregate = declared[metric]?.aggregate ?? (xs[0].unit === 'count' ? 'sum' : 'max');
    return {
      metric,
      value: aggregate(
        kind,
        xs.map((x) => x.value),
      ),
      unit: xs[0].unit,
    };
  });
}
