import type { CriterionSpec } from '../criteria/compile.js';
import type { FaultConfig } from '../faults/experiment.js';
import type { Security, TargetBase } from '../fields/target.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { FAULTS } from '../faults/registry.js';
import type { ScenarioBase, ScenarioKind } from '../scenarios/types.js';
import { parseDuration } from '../util/duration.js';
import type { Path } from './locate.js';
import type { RawConfig } from './schema.js';

/** What the cross-reference checks read: targets, phases and criteria, each with its position in the file. */
export interface View {
  /** defaults.timeout, for checks that compare a target's fields with its timeout. */
  timeoutMs: number;
  /** Top-level security: what every target that can tell must refuse. */
  security?: Security;
  /** `parsed`: the fault's own fields as its type's schema made them, when they passed it (its own rules need them). */
  faults: {
    spec: Pick<FaultConfig, 'name' | 'watch' | 'fault' | 'during'> & { recoveryTimeout?: number };
    index: number;
    parsed?: FaultConfig['fault'];
  }[];
  /** `unparsed`: its name and kind are known, its other fields did not pass (checks that need them skip it). */
  targets: (TargetBase & { index: number; unparsed?: boolean })[];
  scenarios: { spec: ScenarioBase; kind: ScenarioKind; index: number }[];
  phases: { name: string; description?: string }[];
  criteria: { spec: CriterionSpec; path: Path }[];
}

export function viewOf(raw: RawConfig): View {
  return {
    timeoutMs: raw.defaults.timeout,
    security: raw.security,
    targets: raw.targets.map((t, index) => ({ ...t, index })),
    scenarios: raw.scenarios.map((spec, index) => ({ spec, kind: SCENARIOS.find((k) => k.kind === spec.kind)!, index })),
    faults: raw.faults.map((spec, index) => ({ spec, index, parsed: spec.fault })),
    phases: raw.phases.map((p) => (typeof p === 'string' ? { name: p } : p)),
    criteria: raw.criteria.map((c, i) =>
      typeof c === 'string'
        ? { spec: { expect: c, severity: 'critical' as const }, path: ['criteria', i] }
        : { spec: c, path: ['criteria', i, 'expect'] },
    ),
  };
}

/** The readable parts of a config that failed its schema: a target counts when its name and kind do. */
export function lenientView(data: unknown): View {
  const d = (data ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const targets: View['targets'] = [];
  list(d.targets).forEach((t: Record<string, unknown>, index) => {
    if (!t || typeof t.name !== 'string' || typeof t.kind !== 'string') return;
    const kind = probeKindOrUndefined(t.kind);
    if (!kind) return;
    const parsed = kind.schema.safeParse(t);
    const base: TargetBase = {
      name: t.name,
      kind: t.kind,
      url: String(t.url ?? ''),
      required: true,
      phase: typeof t.phase === 'string' ? t.phase : undefined,
    };
    targets.push({ ...(parsed.success ? parsed.data : base), index, unparsed: !parsed.success });
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
    else if (c && typeof c.expect === 'string')
      criteria.push({ spec: { ...c, severity: c.severity === 'warning' ? 'warning' : 'critical' }, path: ['criteria', i, 'expect'] });
  });
  const faults: View['faults'] = [];
  list(d.faults).forEach((x: Record<string, unknown>, index) => {
    const f = x?.fault as Record<string, unknown> | undefined;
    if (typeof x?.name !== 'string' || !Array.isArray(x.watch) || typeof f?.type !== 'string') return;
    const parsed = FAULTS.find((t) => t.type === f.type)?.schema.safeParse(f);
    const recoveryTimeout = parseDuration(String(x.recoveryTimeout ?? '30s'));
    const during = typeof x.during === 'string' ? x.during : undefined;
    faults.push({
      spec: { name: x.name, watch: x.watch.map(String), fault: { ...f, type: f.type }, recoveryTimeout, during },
      index,
      parsed: parsed?.success ? parsed.data : undefined,
    });
  });
  const timeoutMs = parseDuration((d.defaults as { timeout?: unknown } | undefined)?.timeout ?? 2000) ?? 2000;
  return { timeoutMs, targets, scenarios, faults, phases, criteria };
}
