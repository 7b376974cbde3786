import { MetricCatalog, type MetricSource } from '../criteria/catalog.js';
import { compileCriterion, type Criterion, type CriterionSpec } from '../criteria/compile.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { PROBES, probeKindOrUndefined } from '../probes/registry.js';
import type { TargetBase } from '../probes/types.js';
import { didYouMean } from '../util/suggest.js';
import { parseDuration } from '../util/duration.js';
import { article } from '../util/words.js';
import { registerSecrets, type Redactor } from '../util/redact.js';
import { DEFAULT_PHASE, type Config } from './config.js';
import { formatPath, type Path } from './locate.js';
import { configSchema, type RawConfig } from './schema.js';
import { explainIssues } from './zod-issues.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { SCENARIO_METRICS } from '../scenarios/metrics.js';
import type { ScenarioBase, ScenarioKind } from '../scenarios/types.js';
import type { FaultConfig } from '../faults/experiment.js';
import { FAULT_METRICS } from '../faults/fault-metrics.js';
import { FAULTS } from '../faults/registry.js';
import type { MetricSpec } from '../results/measurement.js';

export type Locator = (path: Path, key?: string) => { line?: number; column?: number };

/** Implicit in every run: a required target that fails is NO-GO, whatever else is asked. */
export const REQUIRED_PROBES_CRITERION = { name: 'Required probes pass', expect: 'targets.required_failed == 0', severity: 'critical' as const };
/** Implicit when load runs: numbers from a generator that could not keep up are not the server's. */
export const VALID_LOAD_CRITERION = { name: 'Load results valid', expect: 'scenario.invalid == 0', severity: 'critical' as const };
/** Implicit when load runs: errors count as much as latency; each result's success must meet its requirement (99.9% unless set). */
export const ERROR_BUDGET_CRITERION = { name: 'Errors within budget', expect: 'scenario.over_error_budget == 0', severity: 'critical' as const };


type PathIssue = { path: Path; message: string; key?: string };

/**
 * Validates a config (parsed YAML, or one built from command-line URLs) completely: shape errors and
 * cross-reference errors (names, phases, criteria) are all collected and reported together, even when
 * part of the file is malformed. Nothing touches the network before this returns.
 */
export function validateConfig(data: unknown, source: string, locate: Locator, redactor: Redactor): Config {
  // First of all, so that not even a message about a malformed config can carry a credential out.
  registerSecrets(data, redactor);
  const toIssue = (i: PathIssue): ConfigIssue => ({ file: source, path: formatPath(i.path), message: i.message, ...locate(i.path, i.key) });
  const parsed = configSchema.safeParse(data, { reportInput: true });
  const issues: PathIssue[] = parsed.success ? [] : explainIssues(parsed.error.issues, configSchema, data);
  if (parsed.success && parsed.data.targets.length === 0 && parsed.data.scenarios.length === 0) {
    issues.push({ path: ['targets'], message: 'nothing to validate: add at least one target (or a scenario)' });
  }
  // On a shape error, check references on whatever parts are readable, so one run shows every problem.
  const view = parsed.success ? viewOf(parsed.data) : lenientView(data);
  const criteria = crossCheck(view, issues);
  if (issues.length > 0) {
    const located = issues.map(toIssue);
    throw new ConfigError(located.map((i, n) => ({ i, n })).sort((a, b) => (a.i.line ?? 0) - (b.i.line ?? 0) || (a.i.column ?? 0) - (b.i.column ?? 0) || a.n - b.n).map((x) => x.i));
  }
  const raw = (parsed as { data: RawConfig }).data;
  return {
    source,
    platform: raw.platform,
    defaults: raw.defaults,
    phases: view.phases.length > 0 ? view.phases : [{ name: DEFAULT_PHASE }],
    targets: view.targets.map((t) => ({ ...t, phase: t.phase ?? DEFAULT_PHASE })),
    scenarios: view.scenarios.map((x) => x.spec),
    faults: raw.faults as unknown as FaultConfig[],
    monitorIntervalMs: raw.monitor.interval,
    generator: { maxScheduleLagMs: raw.generator.maxScheduleLag, maxEventLoopDelayMs: raw.generator.maxEventLoopDelay },
    criteria,
    outputs: raw.outputs,
  };
}

/** What the cross-reference checks read: targets, phases and criteria, each with its position in the file. */
interface View {
  /** defaults.timeout, for checks that compare a target's fields with its timeout. */
  timeoutMs: number;
  faults: { spec: { name: string; watch: string[]; fault: { type: string } }; index: number }[];
  targets: (TargetBase & { index: number })[];
  scenarios: { spec: ScenarioBase; kind: ScenarioKind; index: number }[];
  phases: { name: string; description?: string }[];
  criteria: { spec: CriterionSpec; path: Path }[];
}

function viewOf(raw: RawConfig): View {
  return {
    timeoutMs: raw.defaults.timeout,
    targets: (raw.targets as unknown as TargetBase[]).map((t, index) => ({ ...t, index })),
    scenarios: (raw.scenarios as unknown as ScenarioBase[]).map((spec, index) => ({ spec, kind: SCENARIOS.find((k) => k.kind === spec.kind)!, index })),
    faults: (raw.faults as unknown as View['faults'][number]['spec'][]).map((spec, index) => ({ spec, index })),
    phases: raw.phases.map((p) => (typeof p === 'string' ? { name: p } : p)),
    criteria: raw.criteria.map((c, i) =>
      typeof c === 'string' ? { spec: { expect: c, severity: 'critical' as const }, path: ['criteria', i] } : { spec: c, path: ['criteria', i, 'expect'] },
    ),
  };
}

/** The readable parts of a config that failed its schema: a target counts when its name and kind do. */
function lenientView(data: unknown): View {
  const d = (data ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const targets: View['targets'] = [];
  list(d.targets).forEach((t: Record<string, unknown>, index) => {
    if (!t || typeof t.name !== 'string' || typeof t.kind !== 'string') return;
    const kind = probeKindOrUndefined(t.kind);
    if (!kind) return;
    const parsed = kind.schema.safeParse(t);
    const base = { name: t.name, kind: t.kind, url: String(t.url ?? ''), required: true, phase: typeof t.phase === 'string' ? t.phase : undefined };
    targets.push({ ...(parsed.success ? parsed.data : base), index, unparsed: !parsed.success } as unknown as View['targets'][number]);
  });
  const phases = list(d.phases)
    .map((p) => (typeof p === 'string' ? { name: p } : p && typeof p.name === 'string' ? { name: p.name } : undefined))
    .filter((p): p is { name: string } => Boolean(p));
  const scenarios: View['scenarios'] = [];
  list(d.scenarios).forEach((x: Record<string, unknown>, index) => {
    const kind = SCENARIOS.find((k) => k.kind === x?.kind);
    const parsed = kind?.schema.safeParse(x);
    if (kind && parsed?.success) scenarios.push({ spec: parsed.data, kind, index });
  });
  const criteria: View['criteria'] = [];
  list(d.criteria).forEach((c, i) => {
    if (typeof c === 'string') criteria.push({ spec: { expect: c, severity: 'critical' }, path: ['criteria', i] });
    else if (c && typeof c.expect === 'string') criteria.push({ spec: { ...c, severity: c.severity === 'warning' ? 'warning' : 'critical' }, path: ['criteria', i, 'expect'] });
  });
  const faults: View['faults'] = [];
  list(d.faults).forEach((x: Record<string, unknown>, index) => {
    const f = x?.fault as Record<string, unknown> | undefined;
    if (typeof x?.name === 'string' && Array.isArray(x.watch) && typeof f?.type === 'string') faults.push({ spec: { name: x.name, watch: x.watch.map(String), fault: f as { type: string } }, index });
  });
  const timeoutMs = parseDuration((d.defaults as { timeout?: string | number } | undefined)?.timeout ?? 2000) ?? 2000;
  return { timeoutMs, targets, scenarios, faults, phases, criteria };
}

/** Unique names, phase membership, and criteria compiled against what the targets measure. */
function crossCheck(view: View, issues: PathIssue[]): Criterion[] {
  const seen = new Map<string, number>();
  for (const t of view.targets) {
    const first = seen.get(t.name);
    if (first !== undefined) issues.push({ path: ['targets', t.index, 'name'], message: `duplicate target name "${t.name}" (also targets[${first}]); names must be unique` });
    else seen.set(t.name, t.index);
  }

  for (const t of view.targets) {
    if ((t as { unparsed?: boolean }).unparsed) continue;
    for (const i of probeKindOrUndefined(t.kind)?.check?.(t, { timeoutMs: t.timeout ?? view.timeoutMs }) ?? []) issues.push({ path: ['targets', t.index, ...i.path], message: i.message });
  }

  const phaseNames = view.phases.map((p) => p.name);
  for (const t of view.targets) {
    if (phaseNames.length === 0) {
      if (t.phase) issues.push({ path: ['targets', t.index, 'phase'], message: `phase "${t.phase}" is not declared; add a top-level "phases:" list, or remove this field` });
    } else if (!t.phase) {
      issues.push({ path: ['targets', t.index], message: `missing "phase": this config declares phases (${phaseNames.join(', ')}), so each target names its phase` });
    } else if (!phaseNames.includes(t.phase)) {
      issues.push({ path: ['targets', t.index, 'phase'], message: `unknown phase "${t.phase}"${didYouMean(t.phase, phaseNames)}; declared: ${phaseNames.join(', ')}` });
    }
  }

  const resultNames = new Map<string, number>();
  const resultMetrics = new Map<string, Record<string, MetricSpec>>();
  for (const x of view.scenarios) {
    for (const [r, m] of Object.entries(x.kind.resultMetrics?.(x.spec) ?? {})) resultMetrics.set(r, m);
    for (const r of x.kind.results(x.spec)) {
      const first = resultNames.get(r);
      if (first !== undefined) issues.push({ path: ['scenarios', x.index, 'name'], message: `scenario result "${r}" is also produced by scenarios[${first}]; rename one (results are named <scenario>-<target or level>, and operations by their name)` });
      else resultNames.set(r, x.index);
    }
    let referencesOk = true;
    for (const ref of x.kind.references(x.spec)) {
      const t = view.targets.find((t) => t.name === ref.name);
      const names = view.targets.filter((t) => ref.kinds.includes(t.kind)).map((t) => t.name);
      if (!t) issues.push({ path: ['scenarios', x.index, ...ref.path], message: `unknown target "${ref.name}"${didYouMean(ref.name, names)}; this config has: ${names.join(', ') || `no ${ref.kinds.join('/')} targets`}` });
      else if (!ref.kinds.includes(t.kind)) issues.push({ path: ['scenarios', x.index, ...ref.path], message: `target "${ref.name}" is ${article(t.kind)} ${t.kind}; ${article(x.spec.kind)} ${x.spec.kind} scenario loads ${ref.kinds.join(' or ')} targets` });
      referencesOk &&= Boolean(t && ref.kinds.includes(t.kind));
    }
    if (referencesOk) {
      const targets = new Map(view.targets.map((t) => [t.name, t as TargetBase]));
      for (const i of x.kind.check?.(x.spec, { targets }) ?? []) issues.push({ path: ['scenarios', x.index, ...i.path], message: i.message });
    }
  }

  const faultNames = new Map<string, number>();
  for (const x of view.faults) {
    const first = faultNames.get(x.spec.name);
    if (first !== undefined) issues.push({ path: ['faults', x.index, 'name'], message: `duplicate fault name "${x.spec.name}" (also faults[${first}])` });
    else faultNames.set(x.spec.name, x.index);
    const all = view.targets.map((t) => t.name);
    x.spec.watch.forEach((w, i) => {
      if (!all.includes(w)) issues.push({ path: ['faults', x.index, 'watch', i], message: `unknown target "${w}"${didYouMean(w, all)}; this config has: ${all.join(', ')}` });
    });
    const type = FAULTS.find((f) => f.type === x.spec.fault.type);
    const parsed = type?.schema.safeParse(x.spec.fault);
    if (parsed?.success) {
      const recoveryTimeoutMs = (x.spec as { recoveryTimeout?: number }).recoveryTimeout ?? 30_000;
      for (const i of type!.check?.(parsed.data, { recoveryTimeoutMs }) ?? []) issues.push({ path: ['faults', x.index, 'fault', ...i.path], message: i.message });
    }
    for (const ref of type?.references(x.spec.fault) ?? []) {
      const t = view.targets.find((t) => t.name === ref.name);
      const names = view.targets.filter((t) => ref.kinds.includes(t.kind)).map((t) => t.name);
      if (!t) issues.push({ path: ['faults', x.index, 'fault', 'target'], message: `unknown target "${ref.name}"${didYouMean(ref.name, names)}; ${ref.kinds.join('/')} targets: ${names.join(', ') || 'none'}` });
      else if (!ref.kinds.includes(t.kind)) issues.push({ path: ['faults', x.index, 'fault', 'target'], message: `target "${ref.name}" is ${article(t.kind)} ${t.kind}; a ${x.spec.fault.type} fault acts on ${ref.kinds.join(' or ')} targets` });
    }
  }

  const catalog = new MetricCatalog([
    { kind: 'fault', aliases: ['faults'], metrics: FAULT_METRICS, members: new Map([...faultNames.keys()].map((n) => [n, {}])) },...metricSources(view.targets), { kind: 'scenario', aliases: ['scenarios'], metrics: SCENARIO_METRICS, members: new Map([...resultNames.keys()].map((n) => [n, resultMetrics.get(n) ?? {}])) }]);
  const criteria: Criterion[] = [];
  if (view.targets.length > 0 || view.scenarios.length === 0) criteria.push({ ...(compileCriterion(REQUIRED_PROBES_CRITERION, catalog) as Criterion), implicit: true });
  if (view.scenarios.length > 0) {
    for (const spec of [VALID_LOAD_CRITERION, ERROR_BUDGET_CRITERION]) criteria.push({ ...(compileCriterion(spec, catalog) as Criterion), implicit: true });
  }
  for (const x of view.scenarios) {
    for (const spec of x.kind.impliedCriteria?.(x.spec) ?? []) {
      const compiled = compileCriterion(spec, catalog);
      if (typeof compiled !== 'string') criteria.push({ ...compiled, implicit: true });
    }
  }
  for (const { spec, path } of view.criteria) {
    const compiled = compileCriterion(spec, catalog);
    if (typeof compiled === 'string') issues.push({ path, message: compiled });
    else criteria.push(compiled);
  }
  return criteria;
}

/** What the targets of a config can be asked about, grouped by kind. */
export function metricSources(targets: TargetBase[]): MetricSource[] {
  return PROBES.map((p) => ({
    kind: p.kind,
    aliases: p.aliases,
    metrics: p.metrics,
    members: new Map(
      targets.filter((t) => t.kind === p.kind).map((t) => [t.name, (t as { unparsed?: boolean }).unparsed ? {} : (p.targetMetrics?.(t) ?? {})]),
    ),
  }));
}
