import type { LabelMatcher, Operand } from './expression.js';
import { COMMON_METRICS, type MetricSpec } from '../results/measurement.js';
import { didYouMean } from '../util/suggest.js';
import { article } from '../util/words.js';

/** A family of measured things: one probe kind (later also scenario kinds) and its members. */
export interface MetricSource {
  /** The kind, e.g. `engine`; also the first segment of references. */
  kind: string;
  aliases: string[];
  metrics: Record<string, MetricSpec>;
  /** Member name -> the metrics it has beyond `metrics` (e.g. PromQL queries). */
  members: Map<string, Record<string, MetricSpec>>;
  /** Names that stand for several members, as users write them (a scenario's name for its per-target results). */
  groups?: Map<string, string[]>;
  /** The executive summary's category of criteria on this family, e.g. `Engine matrix`. */
  category: string;
  /** A member's own category, when it differs (a load result's, from its scenario kind). */
  memberCategory?: Map<string, string>;
  /** Member names hold dots (a trend's series, `scenario.peak.p99_ms`): all but the last segment name the member. */
  dottedMembers?: boolean;
}

/** Where a reference points: one member, every member of a kind, or every target. */
export type Scope =
  | { type: 'member'; kind: string; name: string }
  /** A name that stands for several members (a scenario over several targets, `lat` for lat-web and lat-api): read together, as its kind's are. */
  | { type: 'group'; kind: string; name: string; members: string[] }
  | { type: 'kind'; kind: string }
  | { type: 'all'; requiredOnly?: boolean };

export interface ResolvedRef {
  scope: Scope;
  metric: string;
  matchers?: LabelMatcher[];
  spec: MetricSpec;
  /** Where a criterion on it is summarised: the family's category, or its one member's. */
  category: string;
}

/** The category of `targets.*` and `required.*` criteria. */
export const ALL_TARGETS_CATEGORY = 'All targets';

/** Measurements about the whole set of targets, under `targets.`. */
export const ALL_METRICS: Record<string, MetricSpec> = {
  ...COMMON_METRICS,
  total: { unit: 'count', aggregate: 'sum', label: 'targets' },
  required_failed: { unit: 'count', aggregate: 'sum', label: 'required targets failing' },
  skipped: { unit: 'count', aggregate: 'sum', label: 'targets skipped' },
};

/**
 * Resolves criterion references (`engine.risk.latency_ms`, `redis.memory_used_pct`, `engines.available`,
 * `targets.required_failed`) against what the config will measure, so a typo is a config error with
 * "did you mean" before anything is probed.
 */
export class MetricCatalog {
  private readonly byName = new Map<string, MetricSource>();

  constructor(private readonly sources: MetricSource[]) {
    for (const s of sources) for (const n of [s.kind, ...s.aliases]) this.byName.set(n, s);
  }

  resolve(ref: Extract<Operand, { type: 'ref' }>): ResolvedRef | string {
    const resolved = this.resolvePath(ref);
    if (typeof resolved === 'string' || !ref.matchers) return resolved;
    if (!resolved.spec.labelled) return `"${ref.text}": ${resolved.metric} has no labels to select; remove the {...}`;
    return { ...resolved, matchers: ref.matchers };
  }

  private resolvePath(ref: Extract<Operand, { type: 'ref' }>): ResolvedRef | string {
    const [head, ...rest] = ref.path;
    if (head === 'targets' || head === 'required') return allTargets(ref.text, head, rest);
    const source = this.byName.get(head);
    if (!source) {
      const names = ['targets', 'required', ...this.byName.keys()];
      return `unknown measurement "${ref.text}": "${head}" is not a kind in this config${didYouMean(head, names)}; references start with one of: ${names.join(', ')}`;
    }
    if (rest.length === 1) return wholeKind(ref.text, head, source, rest[0]);
    if (rest.length === 2 || (source.dottedMembers && rest.length > 2)) return oneMember(ref.text, head, source, rest);
    return `"${ref.text}" is not a measurement: write <kind>.<metric> or <kind>.<name>.<metric>, e.g. engine.risk.latency_ms`;
  }
}

/** `targets.<metric>`: every target; `required.<metric>`: only those whose failure is NO-GO. */
function allTargets(text: string, head: string, rest: string[]): ResolvedRef | string {
  const metric = rest.join('.');
  const spec = ALL_METRICS[metric];
  if (rest.length !== 1 || !spec)
    return `unknown measurement "${text}"${didYouMean(metric, Object.keys(ALL_METRICS), `${head}.`)}; ${head}.* has: ${Object.keys(ALL_METRICS).join(', ')}`;
  return { scope: { type: 'all', requiredOnly: head === 'required' }, metric, spec, category: ALL_TARGETS_CATEGORY };
}

/** `<kind>.<metric>`: every member of the kind; a member's name there is said to be one, not a measurement. */
function wholeKind(text: string, head: string, source: MetricSource, metric: string): ResolvedRef | string {
  const all = { ...COMMON_METRICS, ...source.metrics };
  for (const extra of source.members.values()) Object.assign(all, extra);
  const spec = all[metric];
  if (!spec) {
    const member = source.members.has(metric)
      ? ` ("${metric}" is the name of ${article(source.kind)} ${source.kind}, not a measurement; add one: ${head}.${metric}.latency_ms)`
      : '';
    return `unknown measurement "${text}"${member || didYouMean(metric, Object.keys(all), `${head}.`) || `; ${head}.* has: ${Object.keys(all).join(', ')}`}`;
  }
  return { scope: { type: 'kind', kind: source.kind }, metric, spec, category: source.category };
}

/** `<kind>.<name>.<metric>`: one member, or a name that stands for several (a group), read together. */
function oneMember(text: string, head: string, source: MetricSource, rest: string[]): ResolvedRef | string {
  const name = rest.slice(0, -1).join('.');
  const metric = rest[rest.length - 1];
  const extra = source.members.get(name);
  const group = extra ? undefined : source.groups?.get(name);
  if (!extra && !group) {
    const names = [...(source.groups?.keys() ?? []), ...source.members.keys()];
    return `unknown ${source.kind} "${name}" in "${text}"${didYouMean(name, names)}; this config has: ${names.join(', ') || 'none'}`;
  }
  const own = group ? Object.assign({}, ...group.map((g) => source.members.get(g) ?? {})) : extra;
  const all = { ...COMMON_METRICS, ...source.metrics, ...own };
  const spec = all[metric];
  if (!spec)
    return `unknown measurement "${metric}" for ${source.kind} "${name}"${didYouMean(metric, Object.keys(all), `${head}.${name}.`)}; it has: ${Object.keys(all).join(', ')}`;
  const scope: Scope = group ? { type: 'group', kind: source.kind, name, members: group } : { type: 'member', kind: source.kind, name };
  return { scope, metric, spec, category: source.memberCategory?.get(group ? group[0] : name) ?? source.category };
}
