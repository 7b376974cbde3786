import { parseExpression } from '../criteria/expression.js';
import { PROBES, probeKindOrUndefined } from '../probes/registry.js';
import type { CriterionResult } from '../results/criterion-result.js';
import { COMMON_METRICS, type Measurement } from '../results/measurement.js';
import type { Evidence, EvidenceSpec } from '../results/checklist.js';
import { DEFAULT_SECTION } from '../probes/types.js';
import type { DependencyEdge, Fact, ProbeResult } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { SCENARIOS } from '../scenarios/registry.js';

/** Load results of a kind no longer known (a report from another version) are shown under this. */
const OTHER_LOAD: ScenarioResult['section'] = { title: 'Load', order: 19 };

/**
 * Gives each load result the report section of its scenario kind, and its measurements that its kind
 * declares checklist evidence (also upgrades an older saved report).
 */
export function addSections(results: ScenarioResult[]): void {
  for (const r of results) {
    const kind = SCENARIOS.find((k) => k.kind === r.kind);
    r.section ??= kind?.section ?? OTHER_LOAD;
    const evidence = evidenceOf(r.measurements, (metric) => kind?.metrics?.[metric]?.evidence);
    if (evidence.length) r.evidence = evidence;
    else delete r.evidence; // a merged result's evidence is its own measurements', never a shard's
  }
}

/** The dependencies a target reports, from the series its kind declares edges (by their `dependency` label). */
function edgesOf(measurements: Measurement[], edge: (metric: string) => 'up' | 'latency' | undefined): DependencyEdge[] {
  const byName = new Map<string, DependencyEdge>();
  const latency = new Map<string, number>();
  for (const m of measurements) {
    const to = m.labels?.dependency;
    const role = to === undefined ? undefined : edge(m.metric);
    if (role === 'up') byName.set(to!, { to: to!, up: m.value !== 0 });
    else if (role === 'latency') latency.set(to!, m.value);
  }
  // An edge is a dependency reported up or down; its latency, where reported, goes with it.
  return [...byName.values()].map((e) => (latency.has(e.to) ? { ...e, latencyMs: latency.get(e.to) } : e));
}

/** The plain measurements whose spec declares them evidence for a checklist line. */
function evidenceOf(measurements: Measurement[], spec: (metric: string) => EvidenceSpec | undefined): Evidence[] {
  return measurements.flatMap((m) => {
    const e = m.labels ? undefined : spec(m.metric);
    return e ? [{ ...e, metric: m.metric, value: m.value }] : [];
  });
}

/**
 * Gives each probe result what renderers show without knowing kinds: the section its kind belongs in,
 * and the measurements its kind calls headline, with their labels. Also upgrades an older saved report.
 */
export function addHeadlines(probes: ProbeResult[]): void {
  for (const p of probes) {
    const kind = probeKindOrUndefined(p.kind);
    p.section ??= kind?.section ?? DEFAULT_SECTION;
    const facts: Fact[] = [];
    const columns: NonNullable<ProbeResult['columns']> = {};
    const bus: NonNullable<ProbeResult['bus']> = [];
    for (const m of p.measurements) {
      const spec = kind?.metrics[m.metric] ?? COMMON_METRICS[m.metric];
      if (spec?.busColumn && (m.labels || !spec.labelled))
        bus.push({ column: spec.busColumn, label: spec.label, value: m.value, unit: m.unit, ...(m.labels && { labels: m.labels }) });
      if (!spec || m.labels) continue;
      if (spec.column) columns[spec.column] = { label: spec.label, value: m.value, unit: m.unit };
      else if (spec.headline) facts.push({ label: spec.label, value: m.value, unit: m.unit });
    }
    p.headline = facts;
    p.columns = columns;
    const edges = edgesOf(p.measurements, (metric) => (kind?.metrics[metric] ?? COMMON_METRICS[metric])?.edge);
    if (edges.length) p.edges = edges;
    const evidence = evidenceOf(
      p.measurements,
      (metric) => (kind?.metrics[metric] ?? COMMON_METRICS[metric])?.evidence ?? kind?.namedEvidence?.[metric],
    );
    if (evidence.length) p.evidence = evidence;
    if (bus.length) p.bus = bus;
  }
}

/**
 * The checklist line each criterion of an older saved report verifies (one written before criteria said
 * so), from the metric its expression reads and what that metric's kind declares: its head names the
 * kind (or `scenario`, or every target), its last segment the metric.
 */
export function addVerifies(criteria: CriterionResult[]): void {
  for (const c of criteria) {
    if (c.verifies) continue;
    let expression;
    try {
      expression = parseExpression(c.expression);
    } catch {
      continue; // not one of ours to read: it verifies nothing on the checklist
    }
    const ref = [expression.left, expression.right].find((o) => o.type === 'ref');
    if (ref?.type !== 'ref') continue;
    const [head, metric] = [ref.path[0], ref.path[ref.path.length - 1]];
    const verifies = evidenceSpecOf(head, metric)?.requirement;
    if (verifies) c.verifies = verifies;
  }
}

function evidenceSpecOf(head: string, metric: string): EvidenceSpec | undefined {
  if (head === 'scenario') return SCENARIOS.map((k) => k.metrics?.[metric]?.evidence).find(Boolean);
  const kinds = head === 'targets' || head === 'required' ? PROBES : PROBES.filter((k) => k.kind === head || k.aliases.includes(head));
  return kinds.map((k) => k.metrics[metric]?.evidence ?? k.namedEvidence?.[metric]).find(Boolean);
}
