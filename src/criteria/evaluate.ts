import { compare, matches } from './expression.js';
import type { Criterion } from './compile.js';
import type { ResolvedRef } from './catalog.js';
import type { CriterionResult } from '../results/criterion-result.js';
import type { MeasuredItem } from '../results/result.js';
import { aggregate, AGGREGATES } from './aggregate.js';
import { requirementInWords } from './in-words.js';
import { selectSeries, type Missing } from './select.js';
import { heldLevel } from '../results/held.js';

/** Margin by which a met criterion beats its bound, relative to the bound, from which it counts as exceeded. */
/** Met with this much to spare (relative to the bound) grades A. */
const SPARE_FOR_A = 0.05;

export function evaluateCriteria(criteria: Criterion[], items: MeasuredItem[]): CriterionResult[] {
  return criteria.map((c) => evaluateOne(c, items));
}

interface Reading {
  value: number;
  /** Its error bar: what the tool itself may account for in it (the member's, or the worst of those aggregated). */
  margin?: number;
  /** The items the value was read from. */
  from: MeasuredItem[];
  /** Items the tool could not vouch for that had no value: left out of the aggregate, so it covers less than it should. */
  leftOut: MeasuredItem[];
}

function evaluateOne(c: Criterion, items: MeasuredItem[]): CriterionResult {
  const base = {
    name: c.name,
    expression: c.expression,
    severity: c.severity,
    requirement: `${c.op} ${c.boundText}`,
    bound: c.bound,
    inWords: c.inWords ?? requirementInWords(c.ref, c.op, c.bound, c.boundText),
    ...(c.ref.spec.evidence && { verifies: c.ref.spec.evidence.requirement }),
    unit: c.ref.spec.unit,
    description: c.description,
    implicit: c.implicit,
    ...(c.key && { key: c.key }),
    category: c.category,
    ...(c.location && { location: c.location }),
  };
  const read = readsFrom(c.ref, items);
  const subjects = read.map((i) => `${i.kind}.${i.name}`);
  return { ...judge(c, base, read), subjects };
}

type Judged = Omit<CriterionResult, 'subjects'>;
type Base = Omit<Judged, 'actual' | 'status' | 'outcome' | 'grade'>;

/**
 * Not measured because the platform failed before it: that failure blocks. Otherwise the tool could not
 * measure it (its reason names the fix), and what was not measured cannot block.
 */
function notMeasured(c: Criterion, base: Base, r: { missing: string; blocked?: boolean }): Judged {
  const status = r.blocked ? 'fail' : 'inconclusive';
  return { ...base, actual: null, status: c.severity === 'critical' ? status : 'warn', outcome: 'NOT RUN', grade: '-', reason: r.missing };
}

/**
 * One criterion against what it reads. The platform's failures are NOT MET (a value past the bound,
 * errors over the budget, a required target down); what the tool itself could not vouch for (a load
 * generator that fell behind, a fault that did not take effect) is INCONCLUSIVE, unless what was
 * measured already proves the criterion broken.
 */
function judge(c: Criterion, base: Base, read: MeasuredItem[]): Judged {
  const critical = c.severity === 'critical';
  const notMet = (actual: number | null, reason?: string): Judged => ({
    ...base,
    actual,
    status: critical ? 'fail' : 'warn',
    outcome: 'NOT MET',
    grade: critical ? 'F' : 'D',
    reason,
  });
  const unsure = (actual: number | null, reason: string): Judged => ({
    ...base,
    actual,
    status: critical ? 'inconclusive' : 'warn',
    outcome: 'INCONCLUSIVE',
    grade: '-',
    reason,
  });
  const ran = read.filter((i) => !i.notRun);
  if (read.length > 0 && ran.length === 0)
    return { ...base, actual: null, status: 'skip', outcome: 'NOT RUN', grade: '-', reason: read[0].error };
  const r = lookup(c.ref, ran, c.for);
  if ('missing' in r) {
    if (r.failed) return notMet(null, r.missing);
    const doubted = ran.filter((i) => i.inconclusive);
    return doubted.length ? unsure(null, doubts(doubted)) : notMeasured(c, base, r);
  }
  // A fast answer that was an error is not a met SLA: performance numbers stand only with their success.
  const performance = Boolean(c.ref.spec.performance);
  const qualified = performance ? r.from.filter((i) => i.qualified) : [];
  if (qualified.length > 0) return notMet(r.value, qualified.map((i) => `${i.name}: ${i.qualified}`).join('; '));
  // Numbers the generator could not stand behind say nothing either way: met under less load than asked is no proof.
  const doubtedFrom = performance ? r.from.filter((i) => i.inconclusive) : [];
  if (doubtedFrom.length) return unsure(r.value, doubts(doubtedFrom));
  const band = withinMargin(c, r);
  if (band) return { ...unsure(r.value, band.reason), margin: r.margin, ...(band.busyMachine && { busyMachine: band.busyMachine }) };
  if (!compare(r.value, c.op, c.bound)) {
    if (c.ref.spec.selfCheck) return unsure(r.value, culprits(c, ran) ?? 'the tool could not vouch for its own measurement');
    if (r.leftOut.length && !AGGREGATES[c.ref.spec.aggregate].decidedWithout(c.op, r.value, c.bound))
      return unsure(r.value, doubts(r.leftOut));
    return notMet(r.value, culprits(c, ran));
  }
  if (r.leftOut.length) return unsure(r.value, doubts(r.leftOut));
  // Equality has no margin to beat: met exactly is met, and as good as it gets (`required_failed == 0`).
  if (c.op === '==') return { ...base, actual: r.value, status: 'pass', outcome: 'MET', grade: 'A' };
  const spare = spareOf(r.value, c);
  return { ...base, actual: r.value, status: 'pass', outcome: 'MET', grade: gradeOf(spare) };
}

/**
 * With an error bar, a number decides only outside it: NOT MET when it fails even without the tool's
 * possible share, MET when it passes with that share added either way (a slower generator also offers
 * less load), and otherwise why not, in words: "p99 6.0 ms ± 2.1 ms of the generator's own delay".
 */
function withinMargin(c: Criterion, r: Reading): { reason: string; busyMachine?: string } | undefined {
  const m = r.margin ?? 0;
  if (m <= 0 || c.op === '==' || c.op === '!=') return undefined;
  const low = r.value - m;
  const high = r.value + m;
  if (compare(low, c.op, c.bound) === compare(high, c.op, c.bound)) return undefined;
  const unit = c.ref.spec.unit;
  const show = (x: number) => `${Number(x.toPrecision(3))}${UNIT_TEXT[unit] ?? ''}`;
  const busyMachine = r.from.find((i) => i.busyMachine)?.busyMachine;
  const who = busyMachine ? "the load generator's own delay and this busy machine's" : "the load generator's own delay";
  const machine = busyMachine ? ` (this machine: ${busyMachine})` : '';
  const reason = `${c.ref.spec.label} ${show(r.value)} ± ${show(m)} of ${who}${machine}; needed ${OP_TEXT[c.op]} ${c.boundText}: the number cannot tell`;
  return { reason, ...(busyMachine && { busyMachine }) };
}

const OP_TEXT: Record<string, string> = { '<': 'under', '<=': 'at most', '>': 'over', '>=': 'at least' };
const UNIT_TEXT: Partial<Record<Criterion['ref']['spec']['unit'], string>> = { ms: ' ms', percent: '%', per_second: '/s', seconds: ' s' };

const doubts = (items: MeasuredItem[]) => items.map((i) => `${i.name}: ${i.inconclusive}`).join('; ');

/** How far a met value beats its bound, relative to the bound: its grade. */
function spareOf(value: number, c: Criterion): number {
  const scale = Math.abs(c.bound) || 1;
  if (c.op === '<' || c.op === '<=') return (c.bound - value) / scale;
  if (c.op === '>' || c.op === '>=') return (value - c.bound) / scale;
  return 0;
}

/** A+ far beyond the bound, A beyond it, B just met; not met is F (critical) or D (warning). */
function gradeOf(margin: number): string {
  if (margin >= 0.5) return 'A+';
  if (margin >= SPARE_FOR_A) return 'A';
  return 'B';
}

/**
 * For a failed criterion, what breaks the bound: the members whose own value does (for an aggregate), and
 * for labelled series the series themselves (the alert and its instance), the first thing a reader wants.
 */
function culprits(c: Criterion, items: MeasuredItem[]): string | undefined {
  const failing = readsFrom(c.ref, items).filter((i) => {
    const v = valueOf(i, c.ref);
    return typeof v === 'number' && !compare(v, c.op, c.bound);
  });
  if (failing.length === 0) return undefined;
  const series = breakingSeries(c, failing);
  if (series.length) return `not met by: ${series.join('; ')}`;
  if (c.ref.scope.type === 'member') return undefined;
  const why = (i: MeasuredItem) => i.measurements.find((m) => m.metric === c.ref.metric && !m.labels)?.why ?? i.error;
  return `not met by: ${failing.map((i) => `${i.name}${why(i) ? ` (${why(i)})` : ''}`).join('; ')}`;
}

const SERIES_SHOWN = 3;

/**
 * The labelled series (all, or those the selector picks) whose own value breaks the bound, with their
 * labels: `prometheus: EngineDown{instance="..."}`, or the rule a `rules_missing == 0` misses.
 */
function breakingSeries(c: Criterion, items: MeasuredItem[]): string[] {
  const named = items.flatMap((i) =>
    i.measurements
      .filter((m) => m.metric === c.ref.metric && m.labels && (c.ref.matchers ?? []).every((x) => matches(x, m.labels![x.name])))
      .filter((m) => !compare(m.value, c.op, c.bound))
      .map((m) => `${i.name}: ${seriesName(m.labels!)}`),
  );
  const more = named.length - SERIES_SHOWN;
  return more > 0 ? [...named.slice(0, SERIES_SHOWN), `and ${more} more`] : named;
}

/** `EngineDown{instance="10.0.0.5:8080", severity="critical"}`: an alert's name first, as Prometheus shows it. */
function seriesName(labels: Record<string, string>): string {
  const { alertname, ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return inner ? `${alertname ?? ''}{${inner}}` : (alertname ?? '{}');
}

/** The items a reference reads. */
function readsFrom(ref: ResolvedRef, items: MeasuredItem[]): MeasuredItem[] {
  const s = ref.scope;
  if (s.type === 'member') return items.filter((i) => i.kind === s.kind && i.name === s.name);
  if (s.type === 'kind') return items.filter((i) => i.kind === s.kind);
  if (s.type === 'group') return items.filter((i) => i.kind === s.kind && s.members.includes(i.name));
  return items.filter((i) => (i.family ?? 'target') === 'target' && (!s.requiredOnly || i.required));
}

/** The measured value and what it came from, or why there is none. */
export function lookup(ref: ResolvedRef, items: MeasuredItem[], forMs?: number): Reading | Missing {
  const { scope, metric } = ref;
  const members = readsFrom(ref, items);
  if (scope.type === 'member') {
    if (members.length === 0) return { missing: `not measured: no ${scope.kind} "${scope.name}" ran` };
    const v = valueOf(members[0], ref, forMs);
    return typeof v === 'number' ? { value: v, margin: marginOf(members[0], ref), from: members, leftOut: [] } : v;
  }
  if (scope.type === 'all') {
    if (metric === 'total') return { value: members.length, from: members, leftOut: [] };
    if (metric === 'required_failed')
      return { value: members.filter((i) => i.required && i.status === 'fail').length, from: members, leftOut: [] };
    if (metric === 'skipped') return { value: members.filter((i) => i.status === 'skip').length, from: members, leftOut: [] };
  }
  const values: number[] = [];
  const from: MeasuredItem[] = [];
  const leftOut: MeasuredItem[] = [];
  let firstMissing: Missing | undefined;
  for (const item of members) {
    const v = valueOf(item, ref, forMs);
    if (typeof v === 'number') {
      values.push(v);
      from.push(item);
    } else if (item.inconclusive) leftOut.push(item);
    else if (blocks(item, ref)) return v;
    else firstMissing ??= v;
  }
  if (values.length === 0)
    return (
      firstMissing ?? {
        missing: `not measured: no ${scope.type === 'kind' ? scope.kind : scope.type === 'group' ? `result of ${scope.name}` : 'target'} reported ${metric}`,
      }
    );
  const margins = from.map((i) => marginOf(i, ref) ?? 0);
  // The worst error bar of those aggregated (a sum adds them): the value could be off by as much.
  const margin = AGGREGATES[ref.spec.aggregate].margin(margins);
  return { value: aggregate(ref.spec.aggregate, values), ...(margin > 0 && { margin }), from, leftOut };
}

/** A plain measurement's error bar (labelled series and levels held over time carry none). */
function marginOf(item: MeasuredItem, ref: ResolvedRef): number | undefined {
  if (ref.matchers) return undefined;
  return item.measurements.find((m) => m.metric === ref.metric && !m.labels)?.margin;
}

/**
 * Over many items, one without a value stops the aggregate when the claim cannot hold without it: it
 * said it could not measure this, or it is required and failed. An optional target that failed, one the
 * metric does not apply to (a primary has no replication lag), or one whose labels a selector does not
 * fit (another Prometheus without that rule) is left out; if all are, the reason of the first is given.
 */
function blocks(item: MeasuredItem, ref: ResolvedRef): boolean {
  if (item.unmeasured?.[ref.metric] !== undefined || item.broken?.[ref.metric] !== undefined) return true;
  return item.required && (item.status === 'fail' || item.status === 'skip');
}

function valueOf(item: MeasuredItem, ref: ResolvedRef, forMs?: number): number | Missing {
  if (item.status === 'skip')
    return { missing: `not measured: ${item.name} ${item.error ?? 'was skipped'}`, ...(item.skippedForFailure && { blocked: true }) };
  const broke = item.broken?.[ref.metric];
  if (broke !== undefined) return { missing: `${item.name}: ${broke}`, failed: true };
  const why = item.unmeasured?.[ref.metric];
  if (why !== undefined) return { missing: `not measured: ${item.name}: ${why}` };
  if (ref.matchers) {
    if (item.status === 'fail' && !item.measurements.some((m) => m.metric === ref.metric)) return failed(item);
    return selectSeries(item, ref.metric, ref.matchers, ref.spec);
  }
  const match = item.measurements.find((m) => m.metric === ref.metric && !m.labels);
  const series = forMs !== undefined ? item.samples?.[ref.metric] : undefined;
  if (match && series?.length) return heldLevel(series, forMs!, ref.spec.aggregate !== 'min') ?? match.value;
  if (match) return match.value;
  if (item.status === 'fail') return failed(item);
  return { missing: `not measured: ${item.name} reported no ${ref.metric}` };
}

const failed = (item: MeasuredItem): Missing => ({
  missing: `not measured: ${item.name} failed${item.error ? ` (${item.error})` : ''}`,
  failed: true,
});
