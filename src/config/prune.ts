import { expandGeneratedRules } from '../alerts/rules.js';
import { faultType } from '../faults/registry.js';
import { scenarioKind } from '../scenarios/registry.js';
import type { ScenarioBase } from '../scenarios/types.js';
import type { Config } from './config.js';

/**
 * The config without some targets (the demo leaves out a Redis or PostgreSQL that does not answer), and
 * without everything that needs them, found through each kind's own `references()`: a scenario whose
 * own target is gone; an element of a list that names one (an operation); a fault that acts on one, or
 * runs during a scenario that went; the criteria on anything that went. Returns what went, by name.
 */
export function withoutTargets(config: Config, gone: Set<string>): { config: Config; dropped: string[] } {
  if (gone.size === 0) return { config, dropped: [] };
  const dropped = new Set<string>(gone);
  const scenarios = config.scenarios.flatMap((spec) => {
    const kept = pruneScenario(spec, gone);
    if (!kept) dropped.add(spec.name);
    for (const r of scenarioKind(spec.kind).results(spec)) if (!kept || !scenarioKind(spec.kind).results(kept).includes(r)) dropped.add(r);
    return kept ? [kept] : [];
  });
  const faults = config.faults.flatMap((f) => {
    const needs =
      faultType(f.fault.type)
        .references(f.fault)
        .some((r) => gone.has(r.name)) ||
      (f.during !== undefined && dropped.has(f.during));
    const watch = f.watch.filter((w) => !gone.has(w));
    if (!needs && watch.length > 0) return [{ ...f, watch }];
    dropped.add(f.name);
    return [];
  });
  const targets = config.targets.filter((t) => !gone.has(t.name)).map((t) => ({ ...t }));
  const kinds = new Set(targets.map((t) => t.kind));
  const criteria = config.criteria.filter((c) => {
    const s = c.ref.scope;
    if (s.type === 'member') return !dropped.has(s.name);
    return s.type === 'all' || s.kind === 'scenario' || s.kind === 'fault' || kinds.has(s.kind);
  });
  // Rules generated from the criteria are generated again from what is left.
  for (const t of targets) if ((t as { rulesGenerated?: boolean }).rulesGenerated) (t as { rules?: unknown }).rules = 'generated';
  expandGeneratedRules(targets, criteria);
  return { config: { ...config, targets, scenarios, faults, criteria }, dropped: [...dropped].filter((n) => !gone.has(n)) };
}

/**
 * A scenario as it stands without the gone targets: undefined when its own target is one; else with every
 * list element that names one taken out (the reference's path says which: `operations[3].target`).
 */
function pruneScenario(spec: ScenarioBase, gone: Set<string>): ScenarioBase | undefined {
  const refs = scenarioKind(spec.kind)
    .references(spec)
    .filter((r) => gone.has(r.name));
  if (refs.length === 0) return spec;
  if (refs.some((r) => r.path.length < 2 || typeof r.path[1] !== 'number')) return undefined;
  const copy = structuredClone(spec) as unknown as Record<string, unknown[]>;
  // Highest index first, so the indexes of the others stay right.
  for (const r of [...refs].sort((a, b) => (b.path[1] as number) - (a.path[1] as number)))
    copy[r.path[0] as string].splice(r.path[1] as number, 1);
  const lists = new Set(refs.map((r) => r.path[0] as string));
  if ([...lists].some((l) => copy[l].length === 0)) return undefined;
  return copy as unknown as ScenarioBase;
}
