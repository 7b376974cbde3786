import { metricCatalog } from '../config/catalog.js';
import { compileCriterion, type Criterion } from '../criteria/compile.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import type { Report } from '../reports/model.js';
import { COMMON_METRICS, type Measurement, type MetricSpec } from '../results/measurement.js';
import { SCENARIO_METRICS } from '../scenarios/metrics.js';

/** What an item measured beyond the metrics its kind declares (a PromQL query, a soak condition, a bus count). */
function extras(ms: Measurement[], declared: Record<string, MetricSpec>): Record<string, MetricSpec> {
  const out: Record<string, MetricSpec> = {};
  for (const m of ms)
    if (!declared[m.metric] && !COMMON_METRICS[m.metric])
      out[m.metric] = { unit: m.unit, aggregate: 'max', label: m.metric, labelled: Boolean(m.labels) };
  return out;
}

/**
 * The criteria a shard report was judged with, compiled again against what the merged report measured
 * (its targets, results and faults, as the catalog a config would have given), so `validate merge`
 * judges the whole with the same criteria without the config. Returns the ones that no longer compile.
 */
export function criteriaOfReport(
  shard: Report,
  merged: Pick<Report, 'probes' | 'scenarios' | 'faults'>,
): { criteria: Criterion[]; problems: string[] } {
  const catalog = metricCatalog({
    targets: merged.probes.map((t) => ({
      kind: t.kind,
      name: t.name,
      extra: extras(t.measurements, probeKindOrUndefined(t.kind)?.metrics ?? {}),
    })),
    results: merged.scenarios.map((r) => ({
      name: r.name,
      category: r.section?.title,
      extra: extras(r.measurements, SCENARIO_METRICS),
      scenario: r.scenario,
    })),
    faults: merged.faults.map((f) => f.name),
  });
  const criteria: Criterion[] = [];
  const problems: string[] = [];
  for (const c of shard.criteria) {
    const compiled = compileCriterion(
      {
        ...(c.key && { key: c.key }),
        name: c.name,
        expect: c.expression,
        severity: c.severity,
        description: c.description,
        category: c.category,
        location: c.location,
      },
      catalog,
    );
    if (typeof compiled === 'string') problems.push(`${c.name}: ${compiled}`);
    else criteria.push({ ...compiled, ...(c.implicit && { implicit: true }) });
  }
  return { criteria, problems };
}
