import { compare } from './expression.js';
import type { Criterion } from './compile.js';
import type { ResolvedRef } from './catalog.js';
import type { CriterionResult } from '../results/criterion-result.js';
import type { MeasuredItem } from '../results/result.js';
import { aggregate } from './aggregate.js';
import { selectSeries, type Missing } from './select.js';

/** Margin by which a met criterion beats its bound, relative to the bound, from which it counts as exceeded. */
const EXCEEDED_MARGIN = 0.05;

export function evaluateCriteria(criteria: Criterion[], items: MeasuredItem[]): CriterionResult[] {
  return criteria.map((c) => evaluateOne(c, items));
}

interface Reading {
  value: number;
  /** The items the value was read from. */
  from: MeasuredItem[];
}

function evaluateOne(c: Criterion, items: MeasuredItem[]): CriterionResult {
  const base = {
    name: c.name,
    expression: c.expression,
    severity: c.severity,
    requirement: `${c.op} ${c.boundText}`,
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

function judge(c: Criterion, base: Omit<Judged, 'actual' | 'status' | 'outcome' | 'grade'>, read: MeasuredItem[]): Judged {
  const notMet = c.severity === 'critical' ? 'fail' : 'warn';
  const ran = read.filter((i) => !i.notRun);
  if (read.length > 0 && ran.length === 0) return { ...base, actual: null, status: 'skip', outcome: 'NOT RUN', grade: '-', reason: read[0].error };
  const r = lookup(c.ref, ran);
  if ('missing' in r) {
    if (r.failed) return { ...base, actual: null, status: notMet, outcome: 'NOT MET', grade: c.severity === 'critical' ? 'F' : 'D', reason: r.missing };
    return { ...base, actual: null, status: notMet, outcome: 'NOT RUN', grade: '-', reason: r.missing };
  }
  // A fast answer that was an error is not a met SLA: performance numbers stand only with their success.
  const qualified = c.ref.spec.performance ? r.from.filter((i) => i.qualified) : [];
  if (qualified.length > 0) {
    const reason = qualified.map((i) => `${i.name}: ${i.qualified}`).join('; ');
    return { ...base, actual: r.value, status: notMet, outcome: 'NOT MET', grade: c.severity === 'critical' ? 'F' : 'D', reason };
  }
  if (!compare(r.value, c.op, c.bound)) {
    return { ...base, actual: r.value, status: notMet, outcome: 'NOT MET', grade: c.severity === 'critical' ? 'F' : 'D', reason: culprits(c, ran) };
  }
  // Equality has no margin to beat: met exactly is met, and as good as it gets (`required_failed == 0`).
  if (c.op === '==') return { ...base, actual: r.value, status: 'pass', outcome: 'MET', grade: 'A' };
  const margin = marginOf(r.value, c);
  return { ...base, actual: r.value, status: 'pass', outcome: margin >= EXCEEDED_MARGIN ? 'EXCEEDED' : 'MET', grade: gradeOf(margin) };
}

function marginOf(value: number, c: Criterion): number {
  const scale = Math.abs(c.bound) || 1;
  if (c.op === '<' || c.op === '<=') return (c.bound - value) / scale;
  if (c.op === '>' || c.op === '>=') return (value - c.bound) / scale;
  return 0;
}

/** A+ far beyond the bound, A beyond it, B just met; not met is F (critical) or D (warning). */
function gradeOf(margin: number): string {
  if (margin >= 0.5) return 'A+';
  if (margin >= EXCEEDED_MARGIN) return 'A';
  return 'B';
}

/** For a failed aggregate, the members whose own value breaks the bound: the first thing a reader wants to know. */
function culprits(c: Criterion, items: MeasuredItem[]): string | undefined {
  if (c.ref.scope.type === 'member') return undefined;
  const failing = readsFrom(c.ref, items).filter((i) => {
    const v = valueOf(i, c.ref);
    return typeof v === 'number' && !compare(v, c.op, c.bound);
  });
  if (failing.length === 0) return undefined;
  return `not met by: ${failing.map((i) => `${i.name}${i.error ? ` (${i.error})` : ''}`).join('; ')}`;
}

/** The items a reference reads. */
function readsFrom(ref: ResolvedRef, items: MeasuredItem[]): MeasuredItem[] {
  const s = ref.scope;
  if (s.type === 'member') return items.filter((i) => i.kind === s.kind && i.name === s.name);
  if (s.type === 'kind') return items.filter((i) => i.kind === s.kind);
  return items.filter((i) => i.family !== 'scenario' && i.family !== 'fault' && (!s.requiredOnly || i.required));
}

/** The measured value and what it came from, or why there is none. */
export function lookup(ref: ResolvedRef, items: MeasuredItem[]): Reading | Missing {
  const { scope, metric } = ref;
  const members = readsFrom(ref, items);
  if (scope.type === 'member') {
    if (members.length === 0) return { missing: `not measured: no ${scope.kind} "${scope.name}" ran` };
    const v = valueOf(members[0], ref);
    return typeof v === 'number' ? { value: v, from: members } : v;
  }
  if (scope.type === 'all') {
    if (metric === 'total') return { value: members.length, from: members };
    if (metric === 'required_failed') return { value: members.filter((i) => i.required && i.status === 'fail').length, from: members };
    if (metric === 'skipped') return { value: members.filter((i) => i.status === 'skip').length, from: members };
  }
  const values: number[] = [];
  const from: MeasuredItem[] = [];
  let firstMissing: Missing | undefined;
  for (const item of members) {
    const v = valueOf(item, ref);
    if (typeof v === 'number') {
      values.push(v);
      from.push(item);
    } else if (blocks(item, ref)) return v;
    else firstMissing ??= v;
  }
  if (values.length === 0) return firstMissing ?? { missing: `not measured: no ${scope.type === 'kind' ? scope.kind : 'target'} reported ${metric}` };
  return { value: aggregate(ref.spec.aggregate, values), from };
}

/**
 * Over many items, one without a value stops the aggregate when the claim cannot hold without it: it
 * said it could not measure this, or it is required and failed. An optional target that failed, one the
 * metric does not apply to (a primary has no replication lag), or one whose labels a selector does not
 * fit (another Prometheus without that rule) is left out; if all are, the reason of the first is given.
 */
function blocks(item: MeasuredItem, ref: ResolvedRef): boolean {
  if (item.unmeasured?.[ref.metric] !== undefined) return true;
  return item.required && (item.status === 'fail' || item.status === 'skip');
}

function valueOf(item: MeasuredItem, ref: ResolvedRef): number | Missing {
  if (item.status === 'skip') return { missing: `not measured: ${item.name} ${item.error ?? 'was skipped'}` };
  const why = item.unmeasured?.[ref.metric];
  if (why !== undefined) return { missing: `not measured: ${item.name}: ${why}` };
  if (ref.matchers) {
    if (item.status === 'fail' && !item.measurements.some((m) => m.metric === ref.metric)) return failed(item);
    return selectSeries(item, ref.metric, ref.matchers, ref.spec);
  }
  const match = item.measurements.find((m) => m.metric === ref.metric && !m.labels);
  if (match) return match.value;
  if (item.status === 'fail') return failed(item);
  return { missing: `not measured: ${item.name} reported no ${ref.metric}` };
}

const failed = (item: MeasuredItem): Missing => ({ missing: `not measured: ${item.name} failed${item.error ? ` (${item.error})` : ''}`, failed: true });
