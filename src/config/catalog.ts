import { MetricCatalog, type MetricSource } from '../criteria/catalog.js';
import type { Criterion } from '../criteria/compile.js';
import { FAULT_METRICS } from '../faults/fault-metrics.js';
import { PROBES } from '../probes/registry.js';
import { DEFAULT_SECTION } from '../probes/types.js';
import { COMMON_METRICS, type MetricSpec } from '../results/measurement.js';
import { SCENARIO_METRICS } from '../scenarios/metrics.js';
import { TREND_METRICS, trendSeriesOf } from '../results/trend-metrics.js';

/** Executive-summary categories of the families that are not probe kinds (those use their report section). */
export const FAULT_CATEGORY = 'Fault tolerance';
export const LOAD_CATEGORY = 'Load';
export const TREND_CATEGORY = 'Trend';

/** What a catalog is made of: the members of each family, each with the metrics it has beyond its kind's. */
export interface CatalogMembers {
  targets: { kind: string; name: string; extra?: Record<string, MetricSpec> }[];
  /** Load results, with the report section (category) of the scenario kind that makes them. */
  results: { name: string; category?: string; extra?: Record<string, MetricSpec>; scenario?: string }[];
  faults: string[];
}

/**
 * The one catalog of what criteria can read: the probe kinds (from the registry) with the config's
 * targets, the load results, and the fault experiments. Built from a config before a run (compile
 * criteria), and from a merged report when `validate merge` judges the shards' criteria again.
 */
export function metricCatalog(m: CatalogMembers): MetricCatalog {
  const results = new Map(m.results.map((r) => [r.name, r.extra ?? {}]));
  const sources: MetricSource[] = [
    {
      kind: 'fault',
      aliases: ['faults'],
      metrics: FAULT_METRICS,
      members: new Map(m.faults.map((n) => [n, {}])),
      category: FAULT_CATEGORY,
    },
    ...PROBES.map((p) => ({
      kind: p.kind,
      aliases: p.aliases,
      metrics: p.metrics,
      category: (p.section ?? DEFAULT_SECTION).title,
      members: new Map(m.targets.filter((t) => t.kind === p.kind).map((t) => [t.name, t.extra ?? {}])),
    })),
    {
      // A history's series (with --history): `trend.scenario.peak.p99_ms.shift_pct`, `trend.redis.primary.replication_lag_s.shift_pct`.
      kind: 'trend',
      aliases: ['trends'],
      metrics: TREND_METRICS,
      members: new Map([...m.results.flatMap((r) => trendSeriesOf(r.name)), ...m.targets.flatMap(probeSeriesOf)].map((n) => [n, {}])),
      category: TREND_CATEGORY,
      dottedMembers: true,
    },
    {
      kind: 'scenario',
      aliases: ['scenarios'],
      metrics: SCENARIO_METRICS,
      members: results,
      groups: scenarioGroups(m.results),
      category: LOAD_CATEGORY,
      memberCategory: new Map(m.results.filter((r) => r.category).map((r) => [r.name, r.category!])),
    },
  ];
  return new MetricCatalog(sources);
}

/** The series a target has in a history: each unlabelled metric every target, its kind or itself can measure. */
function probeSeriesOf(t: CatalogMembers['targets'][number]): string[] {
  const kind = PROBES.find((p) => p.kind === t.kind);
  const all = { ...COMMON_METRICS, ...kind?.metrics, ...t.extra };
  return Object.entries(all)
    .filter(([, spec]) => !spec.labelled)
    .map(([metric]) => `${t.kind}.${t.name}.${metric}`);
}

/** A scenario's name for the results it made when they are several under other names (`lat` for lat-web, lat-api). */
function scenarioGroups(results: CatalogMembers['results']): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of results) if (r.scenario && r.scenario !== r.name) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r.name]);
  for (const r of results) groups.delete(r.name); // a result's own name always means that result
  return groups;
}

/** The members of a kind the criteria read by name; `all` when one reads the kind as a whole (`trends.change_points`). */
export function membersRead(criteria: Criterion[], kind: string): Set<string> | 'all' {
  const names = new Set<string>();
  for (const { ref } of criteria) {
    const s = ref.scope;
    if (s.type === 'all' || s.kind !== kind) continue;
    if (s.type === 'kind') return 'all';
    for (const n of s.type === 'group' ? s.members : [s.name]) names.add(n);
  }
  return names;
}
