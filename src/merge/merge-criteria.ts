import { FAULT_CATEGORY, LOAD_CATEGORY } from '../config/compile-criteria.js';
import { MetricCatalog, type MetricSource } from '../criteria/catalog.js';
import { compileCriterion, type Criterion } from '../criteria/compile.js';
import { FAULT_METRICS } from '../faults/fault-metrics.js';
import { PROBES } from '../probes/registry.js';
import { DEFAULT_SECTION } from '../probes/types.js';
import type { Report } from '../reports/model.js';
import { COMMON_METRICS, type Measurement, type MetricSpec } from '../results/measurement.js';
import { SCENARIO_METRICS } from '../scenarios/metrics.js';

/** What an item measured beyond the metrics its kind declares (a PromQL query, a soak condition, a bus count). */
function extras(ms: Measurement[], declared: Record<string, MetricSpec>): Record<string, MetricSpec> {
  const out: Record<string, MetricSpec> = {};
  for (const m of ms) if (!declared[m.metric] && !COMMON_METRICS[m.metric]) out[m.metric] = { unit: m.unit, aggregate: 'max', label: m.metric, labelled: Boolean(m.labels) };
  return out;
}

/**
 * The criteria a shard report was judged with, compiled again against what the merged report measured
 * (its targets, results and faults, as the catalog a config would have given), so `validate merge`
 * judges the whole with the same criteria without the config. Returns the ones that no longer compile.
 */
export function criteriaOfReport(shard: Report, merged: Pick<Report, 'probes' | 'scenarios' | 'faults'>): { criteria: Criterion[]; problems: string[] } {
  const sources: MetricSource[] = [
    { kind: 'fault', aliases: ['faults'], metrics: FAULT_METRICS, members: new Map(merged.faults.map((f) => [f.name, {}])), category: FAULT_CATEGORY },
    ...PROBES.map((p) => ({
      kind: p.kind,
      aliases: p.aliases,
      metrics: p.metrics,
      category: (p.section ?? DEFAULT_SECTION).title,
      members: new Map(merged.probes.filter((t) => t.kind === p.kind).map((t) => [t.name, extras(t.measurements, p.metrics)])),
    })),
    {
      kind: 'scenario',
      aliases: ['scenarios'],
      metrics: SCENARIO_METRICS,
      members: new Map(merged.scenarios.map((r) => [r.name, extras(r.measurements, SCENARIO_METRICS)])),
      category: LOAD_CATEGORY,
      memberCategory: new Map(merged.scenarios.map((r) => [r.name, r.section?.title ?? LOAD_CATEGORY])),
    },
  ];
  const catalog = new MetricCatalog(sources);
  const criteria: Criterion[] = [];
  const problems: string[] = [];
  for (const c of shard.criteria) {
    const compiled = compileCriterion({ ...(c.key && { key: c.key }), name: c.name, expect: c.expression, severity: c.severity, description: c.description, category: c.category, location: c.location }, catalog);
    if (typeof compiled === 'string') problems.push(`${c.name}: ${compiled}`);
    else criteria.push({ ...compiled, ...(c.implicit && { implicit: true }) });
  }
  return { criteria, problems };
}
