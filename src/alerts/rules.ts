import { AGGREGATES } from '../criteria/aggregate.js';
import type { Criterion } from '../criteria/compile.js';
import type { Comparator } from '../criteria/expression.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import type { TargetBase } from '../fields/target.js';

/** One Prometheus alerting rule, as a rules file writes it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A rule with what it reads: the series that must exist in the Prometheus that evaluates it. */
export interface PlannedRule extends AlertRule {
  reads: string[];
}

export interface RulesPlan {
  rules: PlannedRule[];
  /** Criteria that have no production form, and why: listed, never invented. */
  skipped: { criterion: string; why: string }[];
}

/** The comparison that fires the alert: the criterion's, broken. */
const BROKEN: Record<Comparator, string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };

/** `Engine health` -> `EngineHealth`: an alert name Prometheus accepts, unique in the file. */
function alertName(name: string, taken: Set<string>): string {
  const base = name
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))
    .replace(/^[^A-Za-z_]/, (c) => `_${c}`);
  let n = base.charAt(0).toUpperCase() + base.slice(1) || 'Criterion';
  for (let i = 2; taken.has(n); i++) n = `${base}${i}`;
  taken.add(n);
  return n;
}

const forText = (ms: number | undefined) =>
  ms === undefined || ms === 0 ? undefined : ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** A target's measurement in production: its own `metrics:`, else what its kind reads from the usual exporter. */
function promqlOf(t: TargetBase, metric: string): string | undefined {
  const text = t.metrics?.[metric] ?? probeKindOrUndefined(t.kind)?.promql?.(t, metric);
  return text?.replaceAll('$target', t.name);
}

/**
 * What the gate writes of every criterion in its textfile (reports/prometheus.ts): a series per outcome,
 * 1 for the one it had. A rule on it fires exactly when the last run's criterion was not met or not measured.
 */
const GATE_OUTCOME = 'validate_criterion_outcome';

/** The alert expression of a criterion and the series it reads, or why there is none. */
function exprOf(c: Criterion, all: TargetBase[]): { expr: string; targets: string[]; reads: string[] } | string {
  const broken = `${BROKEN[c.op]} ${c.bound}`;
  const s = c.ref.scope;
  if (c.ref.spec.selfCheck)
    return "it checks validate's own measuring (its load generator, its fault experiments), not the platform: it has no production form";
  if (c.ref.matchers) return `it selects labelled series (${c.refText}); rules are written for plain measurements: write this one by hand`;
  if (s.type === 'all') return 'it spans every kind of target: give the rule per kind (e.g. engines.available)';
  if (s.kind === 'scenario' || s.kind === 'fault') {
    // Only the gate measures it: the rule reads the gate's own outcome of it (validate --out ...prom, or --push).
    const series = `${GATE_OUTCOME}{criterion="${quote(c.name)}"}`;
    return { expr: `${GATE_OUTCOME}{criterion="${quote(c.name)}",outcome=~"NOT MET|NOT RUN"} == 1`, targets: [], reads: [series] };
  }
  const targets = all.filter((t) => t.kind === s.kind && (s.type === 'kind' || t.name === s.name));
  const exprs = targets.map((t) => ({ t, q: promqlOf(t, c.ref.metric) }));
  const missing = exprs.filter((e) => !e.q).map((e) => e.t.name);
  if (targets.length === 0) return 'no target of that kind in the config';
  if (missing.length)
    return `no PromQL for ${c.ref.metric} of ${missing.join(', ')}: give it in the target's metrics: (e.g. metrics: { ${c.ref.metric}: '...' })`;
  const reads = exprs.map((e) => e.q!);
  // A required target whose series is gone (it left discovery) is one the gate could not measure: NOT MET, so the rule fires too.
  const gone = exprs
    .filter((e) => e.t.required)
    .map((e) => ` or absent(${e.q})`)
    .join('');
  if (s.type === 'member' || targets.length === 1) return { expr: `(${exprs[0].q}) ${broken}${gone}`, targets: [targets[0].name], reads };
  const agg = c.ref.spec.aggregate;
  const rule = AGGREGATES[agg];
  // The worst of them under the bound is each of them under it: one rule, a series per target that breaks it.
  if (rule.boundsEach(c.op))
    return { expr: `${exprs.map((e) => `(${e.q}) ${broken}`).join(' or ')}${gone}`, targets: targets.map((t) => t.name), reads };
  if (rule.promql) return { expr: `${rule.promql(exprs.map((e) => e.q!))} ${broken}${gone}`, targets: targets.map((t) => t.name), reads };
  return `its ${agg} over ${targets.length} targets compared ${c.op} has no single PromQL form: write it per target`;
}

/**
 * A target that requires `rules: generated` requires, by name and severity, every rule `validate alerts`
 * writes from this config: the loop is closed when the Prometheus that watches production has them.
 */
export function expandGeneratedRules(targets: TargetBase[], criteria: Criterion[]): void {
  const wanting = targets.filter((t) => (t as { rules?: unknown }).rules === 'generated');
  if (wanting.length === 0) return;
  const required = planRules(criteria, targets).rules.map((r) => ({
    alert: r.alert,
    severity: r.labels.severity,
    expr: r.expr,
    ...(r.for && { for: r.for }),
    reads: r.reads,
  }));
  // Marked, so a config left without some targets (config/prune.ts) can generate them again.
  for (const t of wanting) Object.assign(t, { rules: required, rulesGenerated: true });
}

/**
 * The config's go-live criteria as production alerting rules, with the same thresholds: each measured
 * through the PromQL its target gives (or its kind reads from the usual exporter), `for:` from the
 * criterion's own `for`, severity from its severity. What only the gate measures (load results, fault
 * experiments) is read from the gate's textfile metrics; what has no production form is listed.
 */
export function planRules(criteria: Criterion[], targets: TargetBase[]): RulesPlan {
  const taken = new Set<string>();
  const rules: PlannedRule[] = [];
  const skipped: RulesPlan['skipped'] = [];
  for (const c of criteria) {
    const e = exprOf(c, targets);
    if (typeof e === 'string') {
      skipped.push({ criterion: c.name, why: e });
      continue;
    }
    const gate = e.targets.length === 0;
    rules.push({
      alert: alertName(c.name, taken),
      expr: e.expr,
      reads: e.reads,
      ...(forText(c.for) && { for: forText(c.for) }),
      labels: {
        severity: c.severity,
        criterion: c.name,
        ...(e.targets.length === 1 && { target: e.targets[0] }),
        ...(gate && { source: 'validate' }),
      },
      annotations: {
        summary: `${c.name}: ${c.expression} is not met${gate ? ' (last validate run)' : ''}`,
        description: `The go-live criterion "${c.expression}" (${c.severity}), watched in production${c.description ? `: ${c.description}` : ''}.`,
      },
    });
  }
  return { rules, skipped };
}
