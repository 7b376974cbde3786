import { ConfigError, type ConfigIssue } from '../errors.js';
import { registerSecrets, type Redactor } from '../util/redact.js';
import { compileCriteria } from './compile-criteria.js';
import { DEFAULT_PHASE, type Config } from './config.js';
import { checkFaults, checkScenarios, checkTargets, type PathIssue } from './cross-check.js';
// Not ./locate.js: that reads YAML documents, which a config made from flags (validate load) never needs.
import { formatPath, type Path } from './path.js';
import { configSchema, type RawConfig } from './schema.js';
import { lenientView, viewOf } from './view.js';
import { explainIssues } from './zod-issues.js';
import { expandGeneratedRules } from '../alerts/rules.js';

export type Locator = (path: Path, key?: string) => { line?: number; column?: number };

export { REQUIRED_PROBES_CRITERION, VALID_LOAD_CRITERION, ERROR_BUDGET_CRITERION, targetCatalog } from './compile-criteria.js';

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
  checkTargets(view, issues);
  const results = checkScenarios(view, issues);
  const faults = checkFaults(view, issues);
  const criteria = compileCriteria(view, { results, faults }, issues, (path) => {
    // Only a file has lines to point at (not a config built from the command line).
    const line = locate(path).line;
    return line ? { file: source, line } : undefined;
  });
  if (issues.length > 0) {
    const located = issues.map(toIssue);
    throw new ConfigError(
      located
        .map((i, n) => ({ i, n }))
        .sort((a, b) => (a.i.line ?? 0) - (b.i.line ?? 0) || (a.i.column ?? 0) - (b.i.column ?? 0) || a.n - b.n)
        .map((x) => x.i),
    );
  }
  const raw = (parsed as { data: RawConfig }).data;
  const targets = view.targets.map((t) => ({ ...t, phase: t.phase ?? DEFAULT_PHASE }));
  // A Prometheus that must have `rules: generated` must have what validate alerts writes from these criteria.
  expandGeneratedRules(targets, criteria);
  return {
    source,
    platform: raw.platform,
    defaults: raw.defaults,
    phases: view.phases.length > 0 ? view.phases : [{ name: DEFAULT_PHASE }],
    targets,
    scenarios: view.scenarios.map((x) => x.spec),
    faults: raw.faults,
    monitorIntervalMs: raw.monitor.interval,
    generator: { maxScheduleLagMs: raw.generator.maxScheduleLag, maxEventLoopDelayMs: raw.generator.maxEventLoopDelay },
    retries: raw.generator.retries,
    criteria,
    outputs: raw.outputs,
  };
}
