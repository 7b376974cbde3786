import { MetricCatalog, type MetricSource } from '../criteria/catalog.js';
import { compileCriterion, type Criterion } from '../criteria/compile.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { PROBES, probeKind } from '../probes/registry.js';
import type { TargetBase } from '../probes/types.js';
import { didYouMean } from '../util/suggest.js';
import type { Redactor } from '../util/redact.js';
import { DEFAULT_PHASE, type Config } from './config.js';
import { formatPath, type Path } from './locate.js';
import { configSchema, type RawConfig } from './schema.js';
import { explainIssues } from './zod-issues.js';

export type Locator = (path: Path, key?: string) => { line?: number; column?: number };

/** Implicit in every run: a required target that fails is NO-GO, whatever else is asked. */
export const REQUIRED_PROBES_CRITERION = { name: 'Required probes pass', expect: 'targets.required_failed == 0', severity: 'critical' as const };

const SECRET_HEADER = /authorization|cookie|token|api[-_]?key|secret/i;

/**
 * Validates a config (parsed YAML, or one built from command-line URLs) completely, collecting every
 * problem before reporting; nothing touches the network before this returns.
 */
export function validateConfig(data: unknown, source: string, locate: Locator, redactor: Redactor): Config {
  const issue = (path: Path, message: string, key?: string): ConfigIssue => ({ file: source, path: formatPath(path), message, ...locate(path, key) });
  const parsed = configSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(explainIssues(parsed.error.issues, configSchema, data).map((i) => issue(i.path, i.message, i.key)));
  }
  const raw = parsed.data as RawConfig;
  const issues: ConfigIssue[] = [];
  const targets = raw.targets as unknown as (TargetBase & { headers?: Record<string, string> })[];

  for (const t of targets) {
    redactor.addFromUrl(t.url);
    for (const [k, v] of Object.entries(t.headers ?? {})) if (SECRET_HEADER.test(k)) redactor.add(v);
  }

  const seen = new Map<string, number>();
  targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) issues.push(issue(['targets', i, 'name'], `duplicate target name "${t.name}" (also targets[${first}]); names must be unique`));
    else seen.set(t.name, i);
  });

  const phases = raw.phases.map((p) => (typeof p === 'string' ? { name: p } : p));
  const phaseNames = phases.map((p) => p.name);
  targets.forEach((t, i) => {
    if (phases.length === 0) {
      if (t.phase) issues.push(issue(['targets', i, 'phase'], `phase "${t.phase}" is not declared; add a top-level "phases:" list, or remove this field`));
    } else if (!t.phase) {
      issues.push(issue(['targets', i], `missing "phase": this config declares phases (${phaseNames.join(', ')}), so each target names its phase`));
    } else if (!phaseNames.includes(t.phase)) {
      issues.push(issue(['targets', i, 'phase'], `unknown phase "${t.phase}"${didYouMean(t.phase, phaseNames)}; declared: ${phaseNames.join(', ')}`));
    }
  });

  const catalog = new MetricCatalog(metricSources(targets));
  const criteria: Criterion[] = [];
  const implicit = compileCriterion(REQUIRED_PROBES_CRITERION, catalog) as Criterion;
  criteria.push({ ...implicit, implicit: true });
  raw.criteria.forEach((c, i) => {
    const spec = typeof c === 'string' ? { expect: c, severity: 'critical' as const } : c;
    const compiled = compileCriterion(spec, catalog);
    const path = typeof c === 'string' ? ['criteria', i] : ['criteria', i, 'expect'];
    if (typeof compiled === 'string') issues.push(issue(path, compiled));
    else criteria.push(compiled);
  });

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    source,
    platform: raw.platform,
    defaults: raw.defaults,
    phases: phases.length > 0 ? phases : [{ name: DEFAULT_PHASE }],
    targets: targets.map((t) => ({ ...t, phase: t.phase ?? DEFAULT_PHASE })),
    criteria,
    outputs: raw.outputs,
  };
}

/** What the targets of a config can be asked about, grouped by kind. */
export function metricSources(targets: TargetBase[]): MetricSource[] {
  return PROBES.map((p) => ({
    kind: p.kind,
    aliases: p.aliases,
    metrics: p.metrics,
    members: new Map(targets.filter((t) => t.kind === p.kind).map((t) => [t.name, probeKind(t.kind).targetMetrics?.(t) ?? {}])),
  }));
}
