import { compare } from './expression.js';
import type { Criterion } from './compile.js';
import type { ResolvedRef } from './catalog.js';
import type { Aggregate, Measurement, Unit } from '../results/measurement.js';
import type { MeasuredItem } from '../results/result.js';

export type Outcome = 'EXCEEDED' | 'MET' | 'NOT MET' | 'NOT RUN';

export interface CriterionResult {
  name: string;
  expression: string;
  severity: 'critical' | 'warning';
  /** e.g. `>= 90%` */
  requirement: string;
  actual: number | null;
  unit: Unit;
  /** pass: met; fail: a critical one not met; warn: a warning one not met; skip: what it reads was deliberately not run. */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  outcome: Outcome;
  grade: string;
  /** Why there is no actual value, or which targets pulled it down. */
  reason?: string;
  description?: string;
  implicit?: boolean;
}

/** Margin by which a met criterion beats its bound, relative to the bound, from which it counts as exceeded. */
const EXCEEDED_MARGIN = 0.05;

export function evaluateCriteria(criteria: Criterion[], items: MeasuredItem[]): CriterionResult[] {
  return criteria.map((c) => evaluateOne(c, items));
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
  };
  const value = lookup(c.ref, items);
  const notMet = c.severity === 'critical' ? 'fail' : 'warn';
  const read = readsFrom(c.ref, items);
  if (typeof value === 'string' && read.length > 0 && read.every((i) => i.notRun)) {
    return { ...base, actual: null, status: 'skip', outcome: 'NOT RUN', grade: '-', reason: read[0].error };
  }
  if (typeof value === 'string') return { ...base, actual: null, status: notMet, outcome: 'NOT MET', grade: 'F', reason: value };
  const ok = compare(value, c.op, c.bound);
  if (!ok) return { ...base, actual: value, status: notMet, outcome: 'NOT MET', grade: c.severity === 'critical' ? 'F' : 'D', reason: culprits(c.ref, items) };
  const margin = marginOf(value, c);
  return { ...base, actual: value, status: 'pass', outcome: margin >= EXCEEDED_MARGIN ? 'EXCEEDED' : 'MET', grade: gradeOf(margin) };
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

/** For a failed aggregate, the members that failed: the first thing a reader wants to know. */
function culprits(ref: ResolvedRef, items: MeasuredItem[]): string | undefined {
  if (ref.scope.type === 'member') return undefined;
  const kind = ref.scope.type === 'kind' ? ref.scope.kind : undefined;
  const failing = items.filter((i) => (!kind || i.kind === kind) && i.status === 'fail');
  if (failing.length === 0) return undefined;
  return `failing: ${failing.map((i) => `${i.name}${i.error ? ` (${i.error})` : ''}`).join('; ')}`;
}

/** The items a reference reads. */
function readsFrom(ref: ResolvedRef, items: MeasuredItem[]): MeasuredItem[] {
  const s = ref.scope;
  if (s.type === 'member') return items.filter((i) => i.kind === s.kind && i.name === s.name);
  if (s.type === 'kind') return items.filter((i) => i.kind === s.kind);
  return items.filter((i) => i.family !== 'scenario' && i.family !== 'fault' && (!s.requiredOnly || i.required));
}

/** The measured value, or why there is none. */
export function lookup(ref: ResolvedRef, items: MeasuredItem[]): number | string {
  const { scope, metric } = ref;
  if (scope.type === 'member') {
    const item = items.find((i) => i.kind === scope.kind && i.name === scope.name);
    if (!item) return `not measured: no ${scope.kind} "${scope.name}" ran`;
    return valueOf(item, ref);
  }
  if (scope.type === 'all') {
    items = items.filter((i) => i.family !== 'scenario' && i.family !== 'fault' && (!scope.requiredOnly || i.required));
    if (metric === 'total') return items.length;
    if (metric === 'required_failed') return items.filter((i) => i.required && i.status === 'fail').length;
    if (metric === 'skipped') return items.filter((i) => i.status === 'skip').length;
  }
  const members = scope.type === 'kind' ? items.filter((i) => i.kind === scope.kind) : items;
  const values = members.map((i) => valueOf(i, ref)).filter((v): v is number => typeof v === 'number');
  if (values.length === 0) return `not measured: no ${scope.type === 'kind' ? scope.kind : 'target'} reported ${metric}`;
  return aggregate(ref.spec.aggregate, values);
}

function valueOf(item: MeasuredItem, ref: ResolvedRef): number | string {
  if (item.status === 'skip') return `not measured: ${item.name} ${item.error ?? 'was skipped'}`;
  const match = item.measurements.find((m) => m.metric === ref.metric && sameLabels(m, ref.labels));
  if (match) return match.value;
  if (ref.labels && ref.spec.missingIsZero && item.measurements.some((m) => m.metric === ref.metric)) return 0;
  if (item.status === 'fail') return `not measured: ${item.name} failed${item.error ? ` (${item.error})` : ''}`;
  return `not measured: ${item.name} reported no ${ref.metric}`;
}

function sameLabels(m: Measurement, labels: Record<string, string> | undefined): boolean {
  const a = m.labels ?? {};
  const b = labels ?? {};
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export function aggregate(kind: Aggregate, values: number[]): number {
  switch (kind) {
    case 'max': return Math.max(...values);
    case 'min': return Math.min(...values);
    case 'sum': return values.reduce((a, b) => a + b, 0);
    case 'mean': return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
