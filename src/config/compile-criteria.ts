import { compileCriterion, type Criterion, type CriterionSpec, type SourceLocation } from '../criteria/compile.js';
import type { MetricCatalog } from '../criteria/catalog.js';
import type { TargetBase } from '../fields/target.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import type { MetricSpec } from '../results/measurement.js';
import { metricCatalog } from './catalog.js';
import { securityCriteria } from './security-criteria.js';
import type { PathIssue } from './cross-check.js';
import type { View } from './view.js';
import type { Path } from './locate.js';

export { FAULT_CATEGORY, LOAD_CATEGORY } from './catalog.js';
/** Implicit in every run: a required target that fails is NO-GO, whatever else is asked. */
export const REQUIRED_PROBES_CRITERION = {
  key: 'required-probes',
  inWords: 'no required target failing',
  name: 'Required probes pass',
  expect: 'targets.required_failed == 0',
  severity: 'critical' as const,
};
/** Implicit when load runs: numbers from a generator that could not keep up are not the server's. */
export const VALID_LOAD_CRITERION = {
  key: 'valid-load',
  inWords: 'every load result VALID (the generator kept its schedule)',
  name: 'Load results valid',
  expect: 'scenario.invalid == 0',
  severity: 'critical' as const,
};
/** Implicit when load runs: errors count as much as latency; each result's success must meet its requirement (99.9% unless set). */
export const ERROR_BUDGET_CRITERION = {
  key: 'error-budget',
  inWords: 'every load result within its error budget',
  name: 'Errors within budget',
  expect: 'scenario.over_error_budget == 0',
  severity: 'critical' as const,
};

/**
 * Implicit when fault experiments are configured: each must recover, stay isolated and leave the platform
 * steady. One that tested nothing (not injected, no effect) makes this INCONCLUSIVE, never a pass.
 */
export const FAULTS_PASS_CRITERION = {
  key: 'faults-pass',
  inWords: 'every fault experiment recovers, isolated, and leaves the platform steady',
  name: 'Fault experiments pass',
  expect: 'fault.passed == 1',
  severity: 'critical' as const,
};

/**
 * Every criterion of a run, compiled against what the config will measure: the implicit ones, those its
 * scenarios imply (an operation's SLA), then the config's own, whose mistakes become located issues.
 */
export function compileCriteria(
  view: View,
  names: { results: Map<string, number>; faults: Map<string, number> },
  issues: PathIssue[],
  where: (path: Path) => SourceLocation | undefined,
): Criterion[] {
  const extra = resultExtras(view);
  const categories = resultCategories(view);
  const scenarioOf = new Map(view.scenarios.flatMap((x) => x.kind.results(x.spec).map((r) => [r, x.spec.name] as const)));
  const catalog = metricCatalog({
    targets: targetMembers(view.targets),
    results: [...names.results.keys()].map((name) => ({
      name,
      extra: extra.get(name),
      category: categories.get(name),
      scenario: scenarioOf.get(name),
    })),
    faults: [...names.faults.keys()],
  });
  const implied: CriterionSpec[] = [];
  if (view.targets.length > 0 || view.scenarios.length === 0) implied.push(REQUIRED_PROBES_CRITERION);
  if (view.scenarios.length > 0) implied.push(VALID_LOAD_CRITERION, ERROR_BUDGET_CRITERION);
  if (names.faults.size > 0) implied.push(FAULTS_PASS_CRITERION);
  implied.push(...securityCriteria(view, issues).map(({ path, ...c }) => ({ ...c, location: where(path) })));
  for (const x of view.scenarios)
    implied.push(...(x.kind.impliedCriteria?.(x.spec) ?? []).map((c) => ({ ...c, location: where(['scenarios', x.index]) })));
  const criteria: Criterion[] = [];
  for (const spec of implied) {
    const compiled = compileCriterion(spec, catalog);
    if (typeof compiled !== 'string') criteria.push({ ...compiled, implicit: true });
  }
  for (const { spec, path } of view.criteria) {
    const compiled = compileCriterion({ ...spec, location: where(path) }, catalog);
    if (typeof compiled === 'string') issues.push({ path, message: compiled });
    else criteria.push(compiled);
  }
  return criteria;
}

/** Each scenario result's metrics beyond the common ones (a soak's conditions, a bus's counts), by result name. */
function resultExtras(view: View): Map<string, Record<string, MetricSpec>> {
  const extra = new Map<string, Record<string, MetricSpec>>();
  for (const x of view.scenarios) for (const [r, m] of Object.entries(x.kind.resultMetrics?.(x.spec) ?? {})) extra.set(r, m);
  return extra;
}

/** Each load result's category: the report section of the scenario kind that produces it. */
function resultCategories(view: View): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of view.scenarios) for (const r of x.kind.results(x.spec)) out.set(r, x.kind.section.title);
  return out;
}

/** The config's targets as catalog members, with what each adds (a Prometheus's named queries). */
export function targetMembers(
  targets: (TargetBase & { unparsed?: boolean })[],
): { kind: string; name: string; extra?: Record<string, MetricSpec> }[] {
  return targets.map((t) => ({ kind: t.kind, name: t.name, extra: t.unparsed ? {} : probeKindOrUndefined(t.kind)?.targetMetrics?.(t) }));
}

/** A catalog of what these targets can be asked about (no load results, no faults). */
export function targetCatalog(targets: TargetBase[]): MetricCatalog {
  return metricCatalog({ targets: targetMembers(targets), results: [], faults: [] });
}
