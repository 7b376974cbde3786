import type { TargetBase } from '../fields/target.js';
import { FAULTS } from '../faults/registry.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import { didYouMean } from '../util/suggest.js';
import { article } from '../util/words.js';
import type { Path } from './locate.js';
import type { View } from './view.js';

export type PathIssue = { path: Path; message: string; key?: string };

/** Targets: unique names, each kind's own rules, phase membership. */
export function checkTargets(view: View, issues: PathIssue[]): void {
  const seen = new Map<string, number>();
  for (const t of view.targets) {
    const first = seen.get(t.name);
    if (first !== undefined)
      issues.push({
        path: ['targets', t.index, 'name'],
        message: `duplicate target name "${t.name}" (also targets[${first}]); names must be unique`,
      });
    else seen.set(t.name, t.index);
    if (!t.unparsed)
      for (const i of probeKindOrUndefined(t.kind)?.check?.(t, { timeoutMs: t.timeout ?? view.timeoutMs }) ?? [])
        issues.push({ path: ['targets', t.index, ...i.path], message: i.message });
  }
  const phaseNames = view.phases.map((p) => p.name);
  for (const t of view.targets) {
    if (phaseNames.length === 0) {
      if (t.phase)
        issues.push({
          path: ['targets', t.index, 'phase'],
          message: `phase "${t.phase}" is not declared; add a top-level "phases:" list, or remove this field`,
        });
    } else if (!t.phase) {
      issues.push({
        path: ['targets', t.index],
        message: `missing "phase": this config declares phases (${phaseNames.join(', ')}), so each target names its phase`,
      });
    } else if (!phaseNames.includes(t.phase)) {
      issues.push({
        path: ['targets', t.index, 'phase'],
        message: `unknown phase "${t.phase}"${didYouMean(t.phase, phaseNames)}; declared: ${phaseNames.join(', ')}`,
      });
    }
  }
}

/** Scenarios: result names unique across all, targets they load exist and fit, each kind's own rules. Returns the result names. */
export function checkScenarios(view: View, issues: PathIssue[]): Map<string, number> {
  const resultNames = new Map<string, number>();
  const targets = new Map(view.targets.map((t) => [t.name, t as TargetBase]));
  for (const x of view.scenarios) {
    for (const r of x.kind.results(x.spec)) {
      const first = resultNames.get(r);
      if (first !== undefined)
        issues.push({
          path: ['scenarios', x.index, 'name'],
          message: `scenario result "${r}" is also produced by scenarios[${first}]; rename one (results are named <scenario>-<target or level>, and operations by their name)`,
        });
      else resultNames.set(r, x.index);
    }
    const ok = x.kind
      .references(x.spec)
      .map((ref) =>
        checkReference(view, ref, ['scenarios', x.index, ...ref.path], `${article(x.spec.kind)} ${x.spec.kind} scenario loads`, issues),
      );
    if (ok.every(Boolean))
      for (const i of x.kind.check?.(x.spec, { targets }) ?? [])
        issues.push({ path: ['scenarios', x.index, ...i.path], message: i.message });
  }
  return resultNames;
}

/** Faults: unique names, watched and acted-on targets exist and fit, each type's own rules. Returns the fault names. */
export function checkFaults(view: View, issues: PathIssue[]): Map<string, number> {
  const faultNames = new Map<string, number>();
  const all = view.targets.map((t) => t.name);
  for (const x of view.faults) {
    const first = faultNames.get(x.spec.name);
    if (first !== undefined)
      issues.push({ path: ['faults', x.index, 'name'], message: `duplicate fault name "${x.spec.name}" (also faults[${first}])` });
    else faultNames.set(x.spec.name, x.index);
    x.spec.watch.forEach((w, i) => {
      if (!all.includes(w))
        issues.push({
          path: ['faults', x.index, 'watch', i],
          message: `unknown target "${w}"${didYouMean(w, all)}; this config has: ${all.join(', ')}`,
        });
    });
    const type = FAULTS.find((f) => f.type === x.spec.fault.type);
    if (x.parsed) {
      for (const i of type!.check?.(x.parsed, { recoveryTimeoutMs: x.spec.recoveryTimeout ?? 30_000 }) ?? [])
        issues.push({ path: ['faults', x.index, 'fault', ...i.path], message: i.message });
    }
    const scenarios = view.scenarios.map((s) => s.spec.name);
    if (x.spec.during !== undefined && !scenarios.includes(x.spec.during)) {
      issues.push({
        path: ['faults', x.index, 'during'],
        message: `unknown scenario "${x.spec.during}"${didYouMean(x.spec.during, scenarios)}; this config has: ${scenarios.join(', ') || 'no scenarios'}`,
      });
    }
    // Only a fault its own schema accepted names its targets: a target written as a list is the schema's to refuse.
    for (const ref of (x.parsed && type?.references(x.parsed)) || [])
      checkReference(view, ref, ['faults', x.index, 'fault', 'target'], `a ${x.spec.fault.type} fault acts on`, issues);
  }
  return faultNames;
}

/** A target named by a scenario or a fault: it must exist and be of a kind it can act on. */
function checkReference(view: View, ref: { name: string; kinds: string[] }, path: Path, actsOn: string, issues: PathIssue[]): boolean {
  const t = view.targets.find((x) => x.name === ref.name);
  const names = view.targets.filter((x) => ref.kinds.includes(x.kind)).map((x) => x.name);
  if (!t) {
    issues.push({
      path,
      message: `unknown target "${ref.name}"${didYouMean(ref.name, names)}; ${ref.kinds.join('/')} targets in this config: ${names.join(', ') || 'none'}`,
    });
    return false;
  }
  if (!ref.kinds.includes(t.kind)) {
    issues.push({ path, message: `target "${ref.name}" is ${article(t.kind)} ${t.kind}; ${actsOn} ${ref.kinds.join(' or ')} targets` });
    return false;
  }
  return true;
}
